import type { ChildProcess } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnTs, stopChild } from "../../scripts/lib/children";
import { freePort } from "../../server/db/embedded";
import { STARTUP_MS, waitFor } from "./wait";

export type RunningApp = {
  url: string;
  port: number;
  stop: () => Promise<void>;
  worker: ChildProcess;
  web: ChildProcess;
};

/**
 * The real thing for browser tests: the production web server and a worker process, as
 * `npm start` runs them, against this test file's database.
 */
export async function startApp(extraEnv: Record<string, string> = {}): Promise<RunningApp> {
  // Only the e2e project makes sure a production build exists and is current (vitest.config.ts).
  if (process.env.KAIROS_TEST_PROJECT && process.env.KAIROS_TEST_PROJECT !== "e2e")
    throw new Error(
      "startApp runs the production build: add this test file to E2E_FILES in vitest.config.ts",
    );
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "kairos-app-"));
  chmodSync(dataDir, 0o755);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    PORT: String(port),
    HOST: "127.0.0.1",
    KAIROS_DATA_DIR: dataDir,
    AUTH_SECRET: "kairos-test-secret-kairos-test-secret-0123456789",
    AUTH_TRUST_HOST: "true",
    LOG_LEVEL: process.env.APP_LOG_LEVEL ?? "warn",
    LOG_PRETTY: "0",
    WORKER_HEARTBEAT_SECONDS: "1",
    WORKER_DEAD_AFTER_SECONDS: "5",
    ...extraEnv,
  };
  const web = spawnTs("scripts/web.ts", { ...env, KAIROS_PROCESS: "web" });
  const worker = spawnTs("worker/main.ts", { ...env, KAIROS_PROCESS: "worker" });
  const url = `http://localhost:${port}`;
  await waitFor(
    "the app to be healthy",
    async () => (await fetch(`${url}/api/health`).catch(() => undefined))?.status === 200,
    STARTUP_MS,
    100,
  );
  return {
    url,
    port,
    web,
    worker,
    stop: async () => {
      await stopChild(web, "web");
      await stopChild(worker, "worker");
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
