/**
 * Issue 7, Critical 2: the Database built-in ran on Kairos' own superuser connection; "read
 * only" stopped neither `COPY … TO PROGRAM` nor reading `settings.auth_secret` (then an admin
 * session was forged). Now it runs only on KAIROS_FUNC_DATABASE_URL — refused when unset, when
 * it is Kairos' own role, or a superuser — in a read-only transaction with a statement timeout.
 */
import { existsSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { closeFuncDb } from "../../server/functions/builtins/database";
import { resetEnvCache } from "../../server/lib/env";
import type { ExecContext } from "../../server/runs/executor";
import { runFunc } from "../../server/runs/modes/func";
import { makeReaderRole } from "../helpers/reader-role";

const marker = path.join(os.tmpdir(), `kairos-copy-program-${process.pid}`);
let reader: Awaited<ReturnType<typeof makeReaderRole>>;

async function query(statement: string) {
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
  const res = await runFunc({ name: "Database", args: ["query", statement] }, ctx);
  return { ...res, out };
}

function useFuncUrl(url: string | undefined) {
  if (url === undefined) delete process.env.KAIROS_FUNC_DATABASE_URL;
  else process.env.KAIROS_FUNC_DATABASE_URL = url;
  resetEnvCache();
}

beforeAll(async () => {
  const own = postgres(process.env.DATABASE_URL ?? "", { max: 1, onnotice: () => {} });
  await own`insert into settings (key, value) values ('auth_secret', '"the-session-secret"')
            on conflict (key) do update set value = excluded.value`;
  await own.unsafe("create table app_metrics (name text, value int)");
  await own`insert into app_metrics values ('orders', 42)`;
  await own.end();
  reader = await makeReaderRole(["app_metrics"]);
});
beforeEach(() => rmSync(marker, { force: true }));
afterAll(async () => {
  useFuncUrl(undefined);
  await closeFuncDb();
  await reader?.drop();
  rmSync(marker, { force: true });
});

describe("the Database built-in never uses Kairos' connection", () => {
  it("refuses when KAIROS_FUNC_DATABASE_URL is unset", async () => {
    useFuncUrl(undefined);
    const r = await query("SELECT value FROM settings WHERE key = 'auth_secret'");
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(/KAIROS_FUNC_DATABASE_URL is not set/);
    expect(r.out).not.toContain("the-session-secret");
  });

  it("refuses Kairos' own connection, and a superuser one (COPY … TO PROGRAM never runs)", async () => {
    useFuncUrl(process.env.DATABASE_URL);
    const own = await query("SELECT value FROM settings WHERE key = 'auth_secret'");
    expect(own.error).toMatch(/Kairos' own database role/);
    expect(own.out).not.toContain("the-session-secret");

    // The test server's superuser, under another spelling of the URL: still refused.
    const su = new URL(process.env.DATABASE_URL ?? "");
    su.pathname = "/postgres";
    su.hostname = "localhost";
    useFuncUrl(su.toString());
    const copy = await query(`COPY (SELECT 1) TO PROGRAM 'touch ${marker}'`);
    expect(copy.ok).toBe(false);
    expect(copy.error).toMatch(/superuser/);
    expect(existsSync(marker)).toBe(false);
  });

  it("runs on its own role: reads what it was granted, nothing of Kairos, writes nothing", async () => {
    useFuncUrl(reader.url);
    const ok = await query("SELECT name, value FROM app_metrics");
    expect(ok.ok, ok.error ?? "").toBe(true);
    expect(ok.out).toContain(" orders |    42");
    const secret = await query("SELECT value FROM settings WHERE key = 'auth_secret'");
    expect(secret.error).toMatch(/permission denied/);
    expect(secret.out).not.toContain("the-session-secret");
    expect((await query("SELECT password_hash FROM users")).error).toMatch(/permission denied/);
    expect((await query("INSERT INTO app_metrics VALUES ('x', 1)")).error).toMatch(/read-only transaction/);
    const copy = await query(`COPY (SELECT 1) TO PROGRAM 'touch ${marker}'`);
    expect(copy.ok).toBe(false);
    expect(existsSync(marker)).toBe(false);
    expect((await query("SELECT pg_read_file('/etc/passwd')")).error).toMatch(/permission denied/);
    const timeout = await query("SELECT current_setting('statement_timeout') AS t");
    expect(timeout.out).toContain("30s");
  });
});
