/**
 * Issue 7, Critical 1: user functions were imported into the worker, so their code — at load
 * and when called — saw DATABASE_URL, AUTH_SECRET and the mail credentials, and ran as root on a
 * default install. Now loading and calling happen in a process of their own with the clean child
 * environment, as KAIROS_RUN_AS when Kairos is root.
 */
import { readFileSync, rmSync } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reloadFunctions } from "../../server/functions/registry";
import { resetEnvCache } from "../../server/lib/env";
import type { ExecContext } from "../../server/runs/executor";
import { runFunc } from "../../server/runs/modes/func";

const SECRETS = {
  AUTH_SECRET: "auth-secret-for-user-fn-0123456789abcdef",
  SMTP_URL: "smtps://mailer:smtp-pass-for-user-fn@smtp.example.com:465",
  RESEND_API_KEY: "re_user_fn_key",
};
let tmp: string;
const saved = { ...process.env };
const marker = path.join(os.tmpdir(), `kairos-user-fn-load-${process.pid}.json`);

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), "kairos-userfn-"));
  Object.assign(process.env, SECRETS, { KAIROS_FUNCTIONS_DIR: tmp });
  resetEnvCache();
  await fs.writeFile(
    path.join(tmp, "spy.mjs"),
    `import fs from "node:fs";
// Top-level code runs when the folder is loaded: what does it see?
fs.writeFileSync(${JSON.stringify(marker)}, JSON.stringify({ env: process.env, uid: process.getuid() }));
fs.chmodSync(${JSON.stringify(marker)}, 0o666);
export function whoami() {
  return { env: process.env, uid: process.getuid(), gid: process.getgid() };
}
`,
  );
  await reloadFunctions();
});
afterAll(async () => {
  process.env = saved;
  resetEnvCache();
  await fs.rm(tmp, { recursive: true, force: true });
  rmSync(marker, { force: true });
});

describe("user functions run outside the worker", () => {
  it("see no Kairos secret when loaded nor when called, and never run as root", async () => {
    const load = JSON.parse(readFileSync(marker, "utf8")) as { env: Record<string, string>; uid: number };
    let out = "";
    const ctx: ExecContext = {
      runId: 1,
      jobId: 1,
      signal: new AbortController().signal,
      timeoutMs: null,
      out: {
        write: (_s, text) => {
          out += text;
        },
      },
    };
    const res = await runFunc({ name: "whoami", args: [] }, ctx);
    expect(res.ok, res.error ?? "").toBe(true);
    const call = res.result as { env: Record<string, string>; uid: number };
    for (const seen of [load.env, call.env]) {
      expect(seen.PATH).toBeTruthy();
      for (const k of [...Object.keys(SECRETS), "DATABASE_URL", "KAIROS_ADMIN_PASSWORD"])
        expect(seen[k], k).toBeUndefined();
    }
    for (const v of Object.values(SECRETS)) expect(out).not.toContain(v);
    if (process.getuid?.() === 0) {
      expect(load.uid).toBeGreaterThan(0);
      expect(call.uid).toBeGreaterThan(0);
    }
  });
});
