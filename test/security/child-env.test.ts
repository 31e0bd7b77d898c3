/**
 * Issue 7, Critical 1: every command job inherited Kairos' environment (DATABASE_URL,
 * AUTH_SECRET, KAIROS_ADMIN_PASSWORD, SMTP / Resend credentials) and a viewer could read it in
 * the run's output; on a default install the command ran as root. Now children get PATH, HOME,
 * LANG, TZ and what the job sets, and run as KAIROS_RUN_AS (never root) when Kairos is root.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { childEnv } from "../../server/lib/child-env";
import { parseEnv } from "../../server/lib/env";
import type { ExecContext } from "../../server/runs/executor";
import { runCommand } from "../../server/runs/modes/command";
import { ZCommandParams } from "../../server/runs/modes/params";

const SECRETS = {
  DATABASE_URL: "postgres://kairos:db-password-123@127.0.0.1/kairos",
  AUTH_SECRET: "auth-secret-auth-secret-auth-secret-42",
  KAIROS_ADMIN_USER: "boss",
  KAIROS_ADMIN_PASSWORD: "admin-password-123",
  SMTP_URL: "smtps://mailer:smtp-password-123@smtp.example.com:465",
  RESEND_API_KEY: "re_resend_key_123",
  KAIROS_FUNC_DATABASE_URL: "postgres://reader:func-password-123@127.0.0.1/app",
};
const saved: Record<string, string | undefined> = {};

beforeAll(() => {
  for (const [k, v] of Object.entries(SECRETS)) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
});
afterAll(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

async function run(command: string, env: Record<string, string> = {}) {
  let stdout = "";
  let system = "";
  const ctx: ExecContext = {
    runId: 1,
    jobId: 1,
    signal: new AbortController().signal,
    timeoutMs: null,
    out: {
      write: (stream, text) => {
        if (stream === "stdout") stdout += text;
        if (stream === "system") system += text;
      },
    },
  };
  const result = await runCommand(ZCommandParams.parse({ command, env }), ctx);
  return { result, stdout, system };
}

describe("command jobs get a clean environment", () => {
  it("prints no Kairos secret from `env`, only PATH/HOME/LANG/TZ and the job's own", async () => {
    const r = await run("env", { JOB_VAR: "mine" });
    expect(r.result.ok, r.result.error ?? "").toBe(true);
    for (const [k, v] of Object.entries(SECRETS)) {
      expect(r.stdout, k).not.toContain(v);
      expect(r.stdout, k).not.toMatch(new RegExp(`^${k}=`, "m"));
    }
    const names = r.stdout
      .trim()
      .split("\n")
      .map((l) => l.split("=")[0] ?? "");
    expect(names).toContain("PATH");
    expect(names).toContain("JOB_VAR");
    for (const n of names) {
      expect([
        "PATH",
        "HOME",
        "USER",
        "LOGNAME",
        "LANG",
        "LANGUAGE",
        "TZ",
        "TMPDIR",
        // Kairos' own marker of the run (orphaned-command recovery finds processes by it).
        "KAIROS_RUN_ID",
        "PWD",
        "SHLVL",
        "_",
        "JOB_VAR",
      ]).toContain(n.startsWith("LC_") ? "LANG" : n);
    }
    expect(childEnv()).not.toHaveProperty("DATABASE_URL");
  });

  it.runIf(process.getuid?.() === 0)("never runs a job as root when Kairos is root", async () => {
    const r = await run("id -u");
    expect(r.result.ok, r.result.error ?? "").toBe(true);
    expect(Number(r.stdout.trim())).toBeGreaterThan(0);
    expect(r.system).toMatch(/^user: kairos$/m);
    const shadow = await run("cat /etc/shadow");
    expect(shadow.result.ok).toBe(false);
  });

  it("refuses root as KAIROS_RUN_AS", () => {
    expect(() => parseEnv({ KAIROS_RUN_AS: "root" })).toThrow(/KAIROS_RUN_AS: jobs never run as root/);
    expect(parseEnv({}).KAIROS_RUN_AS).toBe("kairos");
  });
});
