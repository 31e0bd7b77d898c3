import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve("."),
      // Tests run server code in plain Node, where the marker resolves to its no-op build.
      "server-only": path.resolve("node_modules/server-only/empty.js"),
    },
  },
  test: {
    include: ["test/**/*.test.{ts,tsx}"],
    // One Postgres server (yours via TEST_DATABASE_URL / DATABASE_URL, or an embedded one) and
    // one production build for the browser tests; then every test file gets its own database.
    globalSetup: ["test/setup/postgres.ts", "test/setup/build.ts"],
    setupFiles: ["test/setup/database.ts"],
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
    env: { NODE_ENV: "test", LOG_LEVEL: process.env.LOG_LEVEL ?? "silent", KAIROS_PROCESS: "test" },
  },
});
