#!/usr/bin/env node
// `npx kairos …`: the CLI is TypeScript (cli/main.ts), run through tsx without a build step.
import { register } from "tsx/esm/api";

register();
await import("../cli/main.ts");
