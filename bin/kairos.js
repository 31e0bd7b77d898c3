#!/usr/bin/env node
// `npx kairos …`: the CLI is TypeScript (cli/main.ts), run through tsx without a build step
// (scripts/lib/node-hooks.mjs).
import "../scripts/lib/node-hooks.mjs";

await import("../cli/main.ts");
