import os from "node:os";
import path from "node:path";
import { defineConfig } from "vitest/config";

/**
 * Test files that run the production server (browser tests, the HTTP APIs end to end, the CLI
 * against a running Kairos): only these need `next build`. test/helpers/app.ts refuses to
 * start the app in any other project, so a new such file cannot slip out of this list.
 */
const E2E_FILES = [
  "test/e2e/**/*.test.{ts,tsx}",
  "test/api/strict.test.ts",
  "test/api/timerjobs.test.ts",
  "test/api/v1.test.ts",
  "test/cli/**/*.test.ts",
  "test/security/browser.test.ts",
  "test/security/attack-matrix.test.ts",
];

// Inline projects do not inherit the root config unless they extend it, and extending would
// repeat the root's global setup (one Postgres, one template) per project: they share this.
const shared = {
  resolve: {
    alias: {
      "@": path.resolve("."),
      // Tests run server code in plain Node, where the marker resolves to its no-op build.
      "server-only": path.resolve("node_modules/server-only/empty.js"),
    },
  },
  test: {
    // Each test file gets its own database, copied from the template the root setup migrated.
    setupFiles: ["test/setup/database.ts"],
    pool: "forks" as const,
    testTimeout: 30_000,
    // expect.poll waits 1 s by default: too short for a page refresh on a busy machine.
    expect: { poll: { timeout: 15_000 } },
    // beforeAll hooks start servers and workers: room for STARTUP_MS (test/helpers/wait.ts).
    hookTimeout: 240_000,
    teardownTimeout: 30_000,
  },
};
const env = (project: string) => ({
  NODE_ENV: "test" as const,
  LOG_LEVEL: process.env.LOG_LEVEL ?? "silent",
  KAIROS_PROCESS: "test",
  KAIROS_TEST_PROJECT: project,
});

export default defineConfig({
  ...shared,
  test: {
    // One Postgres server (yours via TEST_DATABASE_URL / DATABASE_URL, or an embedded one) and
    // one migrated template for every project; it runs once, whichever projects run.
    globalSetup: ["test/setup/postgres.ts"],
    reporters: ["default", "./test/setup/last-words-reporter.ts"],
    // Files mostly wait on real processes (web servers, workers, Chromium, Postgres), not on
    // the CPU: at least 2 at once even on one core, and no more than 4, since each e2e file
    // starts a web server and a worker of its own. `--maxWorkers` overrides.
    maxWorkers: Math.min(4, Math.max(2, os.availableParallelism())),
    projects: [
      {
        ...shared,
        test: {
          ...shared.test,
          name: "integration",
          include: ["test/**/*.test.{ts,tsx}"],
          exclude: E2E_FILES,
          env: env("integration"),
        },
      },
      {
        ...shared,
        test: {
          ...shared.test,
          name: "e2e",
          include: E2E_FILES,
          // A production build, made only when sources are newer than it (and only when a file
          // of this project runs); KAIROS_TEST_SKIP_BUILD=1 uses the one there is.
          globalSetup: ["test/setup/build.ts"],
          env: env("e2e"),
        },
      },
    ],
  },
});
