import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { resetEnvCache } from "../../server/lib/env";
import { type KairosWorker, startWorker } from "../../worker/index";
import { type SmtpPeer, startSmtpPeer } from "./smtp";

export type ReportWorker = { smtp: SmtpPeer; worker: KairosWorker; dataDir: string };

/**
 * What the report tests run on: a fresh data folder, a real SMTP peer the mail goes to and a
 * real worker, started before the file's tests and stopped after them. Call it at the top of a
 * test file; the fields are there once its beforeAll has run. `prepare` makes what a file needs
 * inside the data folder and names more environment (read by the worker, so set before it).
 */
export function reportWorkerFixture(
  prefix: string,
  prepare: (dataDir: string) => Record<string, string> = () => ({}),
): ReportWorker {
  const fx = {} as ReportWorker;
  beforeAll(async () => {
    fx.dataDir = mkdtempSync(path.join(os.tmpdir(), prefix));
    // The job's user (KAIROS_RUN_AS when tests run as root) must reach its output folder.
    chmodSync(fx.dataDir, 0o755);
    fx.smtp = await startSmtpPeer();
    Object.assign(process.env, {
      KAIROS_DATA_DIR: fx.dataDir,
      ...prepare(fx.dataDir),
      SMTP_URL: fx.smtp.url,
      MAIL_FROM: "Kairos <kairos@test.local>",
      PUBLIC_URL: "http://kairos.test",
    });
    resetEnvCache();
    fx.worker = await startWorker({ databaseUrl: process.env.DATABASE_URL as string, concurrency: 4 });
  });
  afterAll(async () => {
    await fx.worker?.stop();
    await fx.smtp?.close();
    if (fx.dataDir) rmSync(fx.dataDir, { recursive: true, force: true });
  });
  return fx;
}
