import { existsSync, readFileSync } from "node:fs";
import fs from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../server/db/client";
import { jobs, outbox, runs } from "../../server/db/schema";
import { BUILTINS, setSmsProvider } from "../../server/functions/builtins";
import { closeFuncDb } from "../../server/functions/builtins/database";
import { formatGoTime } from "../../server/functions/go-time";
import {
  describeFromSource,
  findFunction,
  listFunctions,
  parseParams,
  reloadFunctions,
  startFunctionWatcher,
} from "../../server/functions/registry";
import type { LogStream } from "../../server/lib/enums";
import { resetEnvCache } from "../../server/lib/env";
import type { ExecContext } from "../../server/runs/executor";
import { runFunc } from "../../server/runs/modes/func";
import { makeReaderRole } from "../helpers/reader-role";
import { waitFor } from "../helpers/wait";

let tmp: string;
let functionsDir: string;
let reader: Awaited<ReturnType<typeof makeReaderRole>>;

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), "kairos-func-"));
  functionsDir = path.join(tmp, "functions");
  process.env.KAIROS_FUNCTIONS_DIR = functionsDir;
  // The file built-ins reach only their roots (test/security/file-roots.test.ts checks the fence).
  process.env.KAIROS_FILE_ROOTS = tmp;
  // The Database built-in has its own connection (test/security/func-database.test.ts).
  reader = await makeReaderRole(["users"]);
  process.env.KAIROS_FUNC_DATABASE_URL = reader.url;
  resetEnvCache();
});

afterAll(async () => {
  await closeFuncDb();
  await reader.drop();
  await fs.rm(tmp, { recursive: true, force: true });
});

function harness() {
  const controller = new AbortController();
  const writes: { stream: LogStream; text: string }[] = [];
  const ctx: ExecContext = {
    runId: 41,
    jobId: 7,
    signal: controller.signal,
    timeoutMs: null,
    out: { write: (stream, text) => writes.push({ stream, text }) },
  };
  const text = (stream: LogStream = "stdout") =>
    writes
      .filter((w) => w.stream === stream)
      .map((w) => w.text)
      .join("");
  return { controller, ctx, writes, text };
}

/** Calls a function as a func-mode job would, with the seed's comma-separated argument text. */
async function call(name: string, argText?: string) {
  const h = harness();
  const res = await runFunc({ name, args: argText === undefined ? [] : argText.split(",") }, h.ctx);
  return { res, out: h.text("stdout"), err: h.text("stderr") };
}

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)),
  );
}

describe("go-time", () => {
  it("formats with Go reference layouts", () => {
    const d = new Date(2024, 0, 5, 15, 4, 5, 123);
    expect(formatGoTime(d)).toBe("2024-01-05 15:04:05");
    expect(formatGoTime(d, "Jan _2 03:04PM")).toBe("Jan  5 03:04PM");
    expect(formatGoTime(d, "Monday, January 2, 06")).toBe("Friday, January 5, 24");
    expect(formatGoTime(d, "Mon 1/2 3:4:5 pm")).toBe("Fri 1/5 3:4:5 pm");
    expect(formatGoTime(d, "15:04:05.000")).toBe("15:04:05.123");
    expect(formatGoTime(new Date(2024, 0, 5, 0, 0, 0, 100), "05.999|05.000000")).toBe("00.1|00.100000");
    expect(formatGoTime(d, "20060102-150405")).toBe("20240105-150405");
    const off = -d.getTimezoneOffset();
    const sign = off < 0 ? "-" : "+";
    const hh = String(Math.floor(Math.abs(off) / 60)).padStart(2, "0");
    const mm = String(Math.abs(off) % 60).padStart(2, "0");
    expect(formatGoTime(d, "-0700")).toBe(`${sign}${hh}${mm}`);
    expect(formatGoTime(d, "Z07:00")).toBe(off === 0 ? "Z" : `${sign}${hh}:${mm}`);
    expect(formatGoTime(d, "MST")).toMatch(/^([A-Z]{2,5}|[+-]\d{2,4})$/);
  });
});

describe("built-in functions", () => {
  it("lists every seed built-in (plus Kairos's Noop) with descriptions in both languages", () => {
    const names = BUILTINS.map((b) => b.name);
    expect(names).toEqual([
      "Dayin",
      "Test",
      "Hello",
      "Echo",
      "Time",
      "Math",
      "Noop",
      "File",
      "Backup",
      "Cleanup",
      "Database",
      "Report",
      "Email",
      "SMS",
      "Webhook",
      "Monitor",
    ]);
    for (const b of BUILTINS) {
      expect(b.description.length).toBeGreaterThan(10);
      expect(b.descriptionZh).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it("Dayin prints the run and each argument's type; names match case-insensitively", async () => {
    const { res, out } = await call("dayin", "10,true,abc,-2.5e3");
    expect(res.ok).toBe(true);
    expect(out).toContain("job: 7");
    expect(out).toContain("run: 41");
    expect(out).toContain('[0] "10" (number)');
    expect(out).toContain('[1] "true" (boolean)');
    expect(out).toContain('[2] "abc" (string)');
    expect(out).toContain('[3] "-2.5e3" (number)');
  });

  it("Test, Hello and Echo", async () => {
    const t = await call("Test", "a,b");
    expect(t.res.ok).toBe(true);
    expect(t.out).toContain('2 argument(s): "a", "b"');
    expect((await call("Hello", "Kairos")).out).toBe("Hello, Kairos!\n");
    expect((await call("Hello")).out).toBe("Hello, World!\n");
    const e = await call("Echo", "a,b,c");
    expect(e.out).toBe("a,b,c\n");
    expect(e.res.result).toEqual({ text: "a,b,c" });
  });

  it("Time prints now with a Go layout, commas included", async () => {
    const d = await call("Time");
    expect(d.out).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\n$/);
    const year = String(new Date().getFullYear());
    expect((await call("Time", "Jan 2, 2006")).out).toMatch(
      new RegExp(`^[A-Z][a-z]{2} \\d{1,2}, ${year}\\n$`),
    );
  });

  it("Math computes, validates and refuses division by zero", async () => {
    const add = await call("Math", "+,10,5");
    expect(add.res).toMatchObject({ ok: true, result: { value: 15 } });
    expect(add.out).toBe("10 + 5 = 15\n");
    expect((await call("Math", "^,2,10")).res.result).toMatchObject({ value: 1024 });
    expect((await call("Math", "pow,2,3")).res.result).toMatchObject({ value: 8 });
    expect((await call("Math", "%,7,4")).res.result).toMatchObject({ value: 3 });
    expect((await call("Math", "/,7,2")).res.result).toMatchObject({ value: 3.5 });
    expect((await call("Math", "-, 1.5 ,4")).res.result).toMatchObject({ value: -2.5 });
    const zero = await call("Math", "/,1,0");
    expect(zero.res.ok).toBe(false);
    expect(zero.res.error).toMatch(/division by zero/);
    expect((await call("Math", "%,1,0")).res.error).toMatch(/division by zero/);
    const nan = await call("Math", "+,ten,5");
    expect(nan.res.ok).toBe(false);
    expect(nan.res.error).toBe('Math: a: not a number: "ten"');
    expect((await call("Math", "?,1,2")).res.error).toMatch(/must be one of/);
    expect((await call("Math", "+,1")).res.error).toBe("Math: expects op,a,b (for example +,10,5)");
    expect((await call("Math", "^,10,400")).res.error).toMatch(/not a finite number/);
  });

  it("File reads, writes, appends, checks, sizes, lists and deletes", async () => {
    const dir = path.join(tmp, "files");
    const f = path.join(dir, "sub", "note.txt");
    const w = await call("File", `write,${f},hello, world`);
    expect(w.res.ok).toBe(true);
    expect(readFileSync(f, "utf8")).toBe("hello, world");
    expect((await call("File", `append,${f},\nline 2`)).res.ok).toBe(true);
    const r = await call("File", `read,${f}`);
    expect(r.out).toBe("hello, world\nline 2\n");
    expect(r.res.result).toMatchObject({ size: 19, truncated: false });
    expect((await call("File", `exists,${f}`)).res.result).toMatchObject({ exists: true, type: "file" });
    expect((await call("File", `exists,${f}.nope`)).res.result).toMatchObject({ exists: false });
    expect((await call("File", `size,${f}`)).res.result).toMatchObject({ bytes: 19 });
    expect((await call("File", `size,${dir}`)).res.result).toMatchObject({ bytes: 19, files: 1 });
    const ls = await call("File", `list,${dir}`);
    expect(ls.out).toMatch(/^d .* sub\/$/m);
    expect((await call("File", `list,${path.join(dir, "sub")}`)).out).toMatch(/^f .* note\.txt$/m);

    const big = path.join(dir, "big.txt");
    await fs.writeFile(big, "x".repeat(70_000));
    const capped = await call("File", `read,${big}`);
    expect(capped.res.ok).toBe(true);
    expect(capped.out).toContain("truncated: showed the first 65536 of 70000 bytes");
    expect(capped.out.length).toBeLessThan(66_000);

    expect((await call("File", `delete,${f}`)).res.ok).toBe(true);
    expect(existsSync(f)).toBe(false);
    const missing = await call("File", `read,${f}`);
    expect(missing.res).toMatchObject({ ok: false });
    expect(missing.res.error).toContain(`no such file or folder: ${f}`);
    expect((await call("File", `delete,${dir}`)).res.error).toMatch(/is a folder/);
    expect((await call("File", `chmod,${f}`)).res.error).toMatch(/must be one of read, write/);
    expect((await call("File", "read")).res.error).toMatch(/a path is required/);
  });

  it("Database runs one read-only statement and prints an aligned table", async () => {
    const one = await call("Database", "query,SELECT 1 AS one");
    expect(one.res).toMatchObject({ ok: true, result: { rowCount: 1 } });
    expect(one.out).toBe(" one\n-----\n   1\n(1 row)\n");

    // The seed's SQL contains commas, which split arguments: they are put back.
    const two = await call("Database", "query,SELECT 'a' AS letter, 22 AS number, NULL AS nothing;");
    expect(two.res.ok).toBe(true);
    expect(two.out).toContain(" letter | number | nothing\n");
    expect(two.out).toContain(" a      |     22 | NULL\n");

    const none = await call("Database", "query,SELECT 1 AS one WHERE false");
    expect(none.out).toContain(" one\n");
    expect(none.out).toContain("(0 rows)");

    const many = await call("Database", "query,SELECT generate_series(1, 1500) AS n");
    expect(many.res.result).toMatchObject({ rowCount: 1500 });
    expect(many.out).toContain("[… 500 more rows not shown]");
    expect(many.out).toContain("(1500 rows)");

    const write = await call("Database", "query,DELETE FROM users");
    expect(write.res.ok).toBe(false);
    expect(write.res.error).toMatch(/read-only transaction/);
    const sneaky = await call("Database", "query,SELECT 1; DELETE FROM users");
    expect(sneaky.res).toEqual({ ok: false, error: "Database: only one SQL statement is allowed" });
    expect((await call("Database", "query,SELEC 1")).res.error).toMatch(/syntax error/);
    expect((await call("Database", "drop,users")).res.error).toMatch(/the only operation is query/);
    expect((await call("Database", "query, ")).res.error).toMatch(/SQL statement is required/);
  });

  it("Database stops a long query when the run is aborted", async () => {
    const h = harness();
    const started = Date.now();
    const pending = runFunc({ name: "Database", args: ["query", "SELECT pg_sleep(20)"] }, h.ctx);
    setTimeout(() => h.controller.abort("timeout"), 300);
    const res = await pending;
    expect(res).toEqual({ ok: false, error: "timed out" });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("Email records a mail in the outbox", async () => {
    const { res, out } = await call(
      "Email",
      "ops@example.com;dev@example.com,Nightly <report>,Line 1, with a comma\n<b>2</b>",
    );
    expect(res.ok).toBe(true);
    const id = (res.result as { outboxId: number }).outboxId;
    expect(out).toContain(`mail #${id} queued`);
    const [row] = await getDb().select().from(outbox).where(eq(outbox.id, id));
    expect(row).toMatchObject({
      kind: "func",
      to: ["ops@example.com", "dev@example.com"],
      subject: "Nightly <report>",
      text: "Line 1, with a comma\n<b>2</b>",
      html: "<p>Line 1, with a comma<br>\n&lt;b&gt;2&lt;/b&gt;</p>",
    });
    const spaces = await call("Email", "a@example.com b@example.com,Hi,body");
    expect(spaces.res.result).toMatchObject({ to: ["a@example.com", "b@example.com"] });
    expect((await call("Email", "not-an-address,Hi,body")).res.error).toMatch(/not a valid email address/);
    expect((await call("Email", "a@example.com")).res.error).toMatch(/subject is required/);
  });

  it("SMS logs without a provider, and uses one when installed", async () => {
    const plain = await call("SMS", "+86 138-0000-0000,Disk almost full, please check");
    expect(plain.res).toMatchObject({ ok: true, result: { provider: "log", phone: "+8613800000000" } });
    expect(plain.out).toContain("no SMS provider is configured");
    expect(plain.out).toContain("Disk almost full, please check");
    expect((await call("SMS", "12ab,hi")).res.error).toMatch(/not a phone number/);
    expect((await call("SMS", "1234,hi")).res.error).toMatch(/not a phone number/);

    const sent: [string, string][] = [];
    setSmsProvider({
      name: "fake",
      async send(phone, text) {
        sent.push([phone, text]);
        return "msg-1";
      },
    });
    try {
      const viaFake = await call("SMS", "5551234,hello");
      expect(viaFake.out).toContain("SMS sent to 5551234 via fake (id msg-1)");
      expect(sent).toEqual([["5551234", "hello"]]);
    } finally {
      setSmsProvider(null);
    }
  });

  it("Webhook POSTs JSON or text, fails on non-2xx and stops on abort", async () => {
    const seen: { type: string | undefined; body: string; url: string }[] = [];
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        seen.push({
          type: req.headers["content-type"],
          body: Buffer.concat(chunks).toString(),
          url: req.url ?? "",
        });
        if (req.url === "/hang") return;
        if (req.url === "/big") return res.end("y".repeat(10_000));
        res.writeHead(req.url === "/fail" ? 500 : 200, { "content-type": "text/plain" });
        res.end(req.url === "/fail" ? "broken" : "thanks");
      });
    });
    const port = await listen(server);
    const base = `http://127.0.0.1:${port}`;
    try {
      const json = await call("Webhook", `${base}/hook,{"event":"done","count":2}`);
      expect(json.res).toMatchObject({ ok: true, httpStatus: 200 });
      expect(json.out).toBe("HTTP 200 OK\nthanks\n");
      expect(seen[0]).toEqual({ type: "application/json", body: '{"event":"done","count":2}', url: "/hook" });

      await call("Webhook", `${base}/hook,plain text, really`);
      expect(seen[1]).toMatchObject({ type: "text/plain; charset=utf-8", body: "plain text, really" });

      const failed = await call("Webhook", `${base}/fail,x`);
      expect(failed.res).toMatchObject({
        ok: false,
        httpStatus: 500,
        error: "HTTP 500 Internal Server Error",
      });
      expect(failed.out).toContain("broken");

      const big = await call("Webhook", `${base}/big,x`);
      expect(big.out).toContain(`${"y".repeat(4096)}\n[… body truncated after 4096 bytes]`);

      expect((await call("Webhook", "ftp://example.com,x")).res.error).toMatch(/http:\/\/ or https:\/\//);

      const h = harness();
      const started = Date.now();
      const pending = runFunc({ name: "Webhook", args: [`${base}/hang`, "x"] }, h.ctx);
      setTimeout(() => h.controller.abort("cancel"), 200);
      expect(await pending).toEqual({ ok: false, error: "cancelled" });
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it("Backup copies a folder recursively into a time-stamped copy", async () => {
    const src = path.join(tmp, "site");
    await fs.mkdir(path.join(src, "a", "b"), { recursive: true });
    await fs.writeFile(path.join(src, "index.html"), "<h1>hi</h1>");
    await fs.writeFile(path.join(src, "a", "b", "deep.txt"), "deep");
    await fs.symlink("index.html", path.join(src, "link.html"));
    const dst = path.join(tmp, "backups");
    const { res, out } = await call("Backup", `${src},${dst}`);
    expect(res.ok).toBe(true);
    const target = (res.result as { target: string }).target;
    expect(path.basename(target)).toMatch(/^site-\d{8}-\d{6}$/);
    expect(path.dirname(target)).toBe(dst);
    expect(readFileSync(path.join(target, "a", "b", "deep.txt"), "utf8")).toBe("deep");
    expect(readFileSync(path.join(target, "index.html"), "utf8")).toBe("<h1>hi</h1>");
    expect(await fs.readlink(path.join(target, "link.html"))).toBe("index.html");
    expect(res.result).toMatchObject({ files: 2, bytes: 15 });
    expect(out).toContain(`copied 2 files (15 B) from ${src} to ${target}`);

    // A second backup in the same second gets its own folder; a single file works too.
    const again = await call("Backup", `${src},${dst}`);
    expect((again.res.result as { target: string }).target).not.toBe(target);
    const single = await call("Backup", `${path.join(src, "index.html")},${dst}`);
    expect(path.basename((single.res.result as { target: string }).target)).toMatch(
      /^index\.html-\d{8}-\d{6}/,
    );
    expect((await call("Backup", `${src},${path.join(src, "inner")}`)).res.error).toMatch(
      /would copy itself/,
    );
    expect((await call("Backup", `${path.join(tmp, "nope")},${dst}`)).res.error).toMatch(/no such file/);
  });

  it("Cleanup deletes old regular files only, never following links", async () => {
    const root = path.join(tmp, "logs");
    const outside = path.join(tmp, "outside.log");
    await fs.mkdir(path.join(root, "old-dir"), { recursive: true });
    const old = new Date(Date.now() - 10 * 86_400_000);
    const files = {
      "a.log": old,
      "b.log": new Date(),
      "old-dir/c.log": old,
    } as const;
    for (const [name, mtime] of Object.entries(files)) {
      await fs.writeFile(path.join(root, name), "12345");
      await fs.utimes(path.join(root, name), mtime, mtime);
    }
    await fs.writeFile(outside, "keep me");
    await fs.utimes(outside, old, old);
    await fs.symlink(outside, path.join(root, "link.log"));
    await fs.symlink(tmp, path.join(root, "dir-link"));

    const { res, out } = await call("Cleanup", `${root},7`);
    expect(res).toMatchObject({ ok: true, result: { deleted: 2, bytes: 10 } });
    expect(out).toContain("deleted 2 files older than 7 days (10 B freed)");
    expect(existsSync(path.join(root, "a.log"))).toBe(false);
    expect(existsSync(path.join(root, "old-dir", "c.log"))).toBe(false);
    expect(existsSync(path.join(root, "old-dir"))).toBe(true);
    expect(existsSync(path.join(root, "b.log"))).toBe(true);
    expect(existsSync(outside)).toBe(true);
    expect((await fs.lstat(path.join(root, "link.log"))).isSymbolicLink()).toBe(true);

    expect((await call("Cleanup", "/,1")).res.error).toMatch(/refusing to clean a file system root/);
    expect((await call("Cleanup", ",1")).res.error).toMatch(/a path is required/);
    expect((await call("Cleanup", `${root},soon`)).res.error).toMatch(/number of days/);
    expect((await call("Cleanup", `${path.join(root, "dir-link")},1`)).res.error).toMatch(/symbolic link/);
  });

  it("Monitor reports disk, memory, load and uptime, and fails at a threshold", async () => {
    const disk = await call("Monitor", "disk,0");
    expect(disk.res.ok).toBe(false);
    expect(disk.res.error).toMatch(/^disk usage [\d.]+% ≥ threshold 0%$/);
    expect(disk.out).toMatch(/^disk \/: [\d.]+% used/);
    const mem = await call("Monitor", "mem");
    expect(mem.res.ok).toBe(true);
    expect(mem.out).toMatch(/^memory: [\d.]+% used/);
    expect((await call("Monitor", "mem,100")).res.ok).toBe(true);
    expect((await call("Monitor", `disk:${tmp},100%`)).out).toContain(`disk ${tmp}:`);
    expect((await call("Monitor", "load")).out).toMatch(/^load: [\d.]+ [\d.]+ [\d.]+ on \d+ cores/);
    expect((await call("Monitor", "uptime")).out).toMatch(/^uptime: system /);
    expect((await call("Monitor", "uptime,50")).res.ok).toBe(false);
    expect((await call("Monitor", "gpu")).res.error).toMatch(/must be one of/);
    expect((await call("Monitor", "mem,150")).res.error).toMatch(/percentage/);
  });

  it("Report summarises the period's runs from the database", async () => {
    const db = getDb();
    const [job] = await db
      .insert(jobs)
      .values({ name: "nightly backup", cron: "0 0 2 * * *", timezone: "UTC", mode: "func", params: {} })
      .returning();
    if (!job) throw new Error("no job");
    const ago = (ms: number) => new Date(Date.now() - ms);
    const HOUR = 3_600_000;
    await db.insert(runs).values([
      {
        jobId: job.id,
        trigger: "manual",
        scheduledAt: ago(HOUR),
        startedAt: ago(HOUR),
        finishedAt: ago(HOUR - 2_000),
        status: "succeeded",
      },
      {
        jobId: job.id,
        trigger: "manual",
        scheduledAt: ago(HOUR),
        startedAt: ago(HOUR),
        finishedAt: ago(HOUR - 90_000),
        status: "succeeded",
      },
      {
        jobId: job.id,
        trigger: "manual",
        scheduledAt: ago(2 * HOUR),
        startedAt: ago(2 * HOUR),
        finishedAt: ago(2 * HOUR - 500),
        status: "failed",
        error: "disk full\nmore detail",
      },
      {
        jobId: job.id,
        trigger: "manual",
        scheduledAt: ago(3 * HOUR),
        startedAt: ago(3 * HOUR),
        finishedAt: ago(3 * HOUR - 30_000),
        status: "timed_out",
        error: "timed out after 30 s",
      },
      // Three days ago: in the weekly report only.
      {
        jobId: job.id,
        trigger: "manual",
        scheduledAt: ago(72 * HOUR),
        enqueuedAt: ago(72 * HOUR),
        startedAt: ago(72 * HOUR),
        finishedAt: ago(72 * HOUR - 1_000),
        status: "failed",
        error: "old failure",
      },
    ]);

    const daily = await call("Report", "daily");
    expect(daily.res.ok).toBe(true);
    expect(daily.res.result).toMatchObject({
      period: "daily",
      total: 4,
      failed: 2,
      byStatus: { succeeded: 2, failed: 1, timed_out: 1, cancelled: 0 },
    });
    expect(daily.out).toContain("Kairos daily report: last 24 hours");
    expect(daily.out).toMatch(
      /nightly backup at \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \[failed\]: disk full\n/,
    );
    expect(daily.out).toContain("[timed_out]: timed out after 30 s");
    expect(daily.out).not.toContain("old failure");
    const slow = daily.out.slice(daily.out.indexOf("Slowest runs:"));
    expect(slow.indexOf("1 min 30 s")).toBeGreaterThan(0);
    expect(slow.indexOf("1 min 30 s")).toBeLessThan(slow.indexOf("30.0 s"));

    const weekly = await call("Report", "weekly");
    expect(weekly.res.result).toMatchObject({ period: "weekly", total: 5, failed: 3 });
    expect(weekly.out).toContain("old failure");
    expect((await call("Report", "monthly")).res.error).toMatch(/daily or weekly/);
  });

  it("reports an unknown function with the known names", async () => {
    const { res } = await call("NoSuchThing");
    expect(res.ok).toBe(false);
    expect(res.error).toMatch(/^unknown function NoSuchThing \(known: Dayin, Test, .*Monitor/);
  });
});

describe("user functions", () => {
  const write = (name: string, text: string) => fs.writeFile(path.join(functionsDir, name), text);

  beforeAll(async () => {
    await fs.mkdir(functionsDir, { recursive: true });
    await write(
      "greetings.mjs",
      `/**
 * Greets someone by name.
 * @param name who
 * @zh 按名字打招呼。
 */
export function greet(name, ctx) {
  ctx.log("run " + ctx.runId + " of job " + ctx.jobId);
  return "hi " + name;
}

/** Adds two numbers. */
export const add = async (a, b = "0" /* default */) => ({ sum: Number(a) + Number(b) });

export function _helper() {}
export const notAFunction = 42;
export class Widget {}

export function never(ctx) {
  return new Promise(() => {});
}

export function fails() {
  throw new Error("nope, " + "not today");
}
`,
    );
    await write("plain.js", "export function shout(text) { return text.toUpperCase() + '!'; }\n");
  });

  it("loads exported functions with their parameters and descriptions", async () => {
    const listing = await reloadFunctions();
    const user = listing.functions.filter((f) => f.kind === "user");
    expect(user.map((f) => f.name)).toEqual(["add", "fails", "greet", "never", "shout"]);
    expect(user.find((f) => f.name === "greet")).toEqual({
      name: "greet",
      kind: "user",
      params: ["name"],
      description: "Greets someone by name.",
      descriptionZh: "按名字打招呼。",
      file: "greetings.mjs",
    });
    expect(user.find((f) => f.name === "add")).toMatchObject({
      params: ["a", "b"],
      description: "Adds two numbers.",
    });
    expect(user.find((f) => f.name === "shout")).toMatchObject({
      params: ["text"],
      description: "",
      file: "plain.js",
    });
    expect(listing.errors).toEqual([]);
    expect(listing.functions.filter((f) => f.kind === "builtin")).toHaveLength(BUILTINS.length);
  });

  it("calls a user function with the arguments and a context, printing and storing its value", async () => {
    const greet = await call("greet", "Bob");
    expect(greet.res).toEqual({ ok: true, result: "hi Bob" });
    expect(greet.out).toBe("run 41 of job 7\nhi Bob\n");

    const add = await call("add", "2,3");
    expect(add.res).toEqual({ ok: true, result: { sum: 5 } });
    expect(add.out).toBe('{\n  "sum": 5\n}\n');
    expect((await call("ADD", "2")).res.result).toEqual({ sum: 2 });
    expect((await call("shout", "hey")).out).toBe("HEY!\n");

    const failed = await call("fails");
    expect(failed.res).toEqual({ ok: false, error: "fails: nope, not today" });
    expect(failed.err).toMatch(/^Error: nope, not today\n\s+at .*greetings\.mjs:\d+:\d+\)?\n$/);

    expect((await call("_helper")).res.error).toMatch(/^unknown function _helper/);
    expect((await call("Widget")).res.error).toMatch(/^unknown function Widget/);
  });

  it("returns promptly when a never-ending function is aborted", async () => {
    const h = harness();
    const started = Date.now();
    const pending = runFunc({ name: "never", args: [] }, h.ctx);
    setTimeout(() => h.controller.abort("timeout"), 100);
    expect(await pending).toEqual({ ok: false, error: "timed out" });
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("finds built-ins and user functions as plain callables", async () => {
    const lines: string[] = [];
    const ctx = {
      runId: 1,
      jobId: 2,
      signal: new AbortController().signal,
      log: (t: unknown) => lines.push(String(t)),
    };
    expect(await findFunction("Math")?.("*", "6", "7", ctx)).toMatchObject({ value: 42 });
    expect(lines).toEqual(["6 * 7 = 42"]);
    await expect(findFunction("math")?.("/", "1", "0", ctx)).rejects.toThrow(/division by zero/);
    expect(await findFunction("greet")?.("Ann", ctx)).toBe("hi Ann");
    expect(findFunction("missing")).toBeUndefined();
  });

  it("reports broken modules and name clashes without losing the others", async () => {
    await write("broken.mjs", "export const ok = 1;\nexport function oops() { return 1 +* 2; }\n");
    await write("throws.mjs", "throw new Error('module refuses to load');\nexport function never2() {}\n");
    await write(
      "z-clash.mjs",
      "export function Math() { return 1; }\nexport function echo() {}\nexport function greet() {}\nexport function unique() { return 'u'; }\n",
    );
    const listing = await reloadFunctions();
    const byFile = (file: string) => listing.errors.filter((e) => e.file === file).map((e) => e.message);
    expect(byFile("broken.mjs")).toEqual([expect.stringMatching(/\(line 2\)$/)]);
    expect(byFile("throws.mjs")).toEqual(["module refuses to load"]);
    expect(byFile("z-clash.mjs")).toEqual([
      '"Math" is the name of the built-in function Math; the built-in is used',
      '"echo" is the name of the built-in function Echo; the built-in is used',
      '"greet" is already defined in greetings.mjs; that one is used',
    ]);
    expect(listing.functions.find((f) => f.name === "unique")).toMatchObject({
      kind: "user",
      file: "z-clash.mjs",
    });
    // The built-in wins, and the good functions still work.
    expect((await call("Math", "+,1,1")).res.result).toMatchObject({ value: 2 });
    expect((await call("greet", "Cy")).res.result).toBe("hi Cy");
    await Promise.all(
      ["broken.mjs", "throws.mjs", "z-clash.mjs"].map((f) => fs.rm(path.join(functionsDir, f))),
    );
    expect((await reloadFunctions()).errors).toEqual([]);
  });

  it("picks up edits on demand (reloadFunctions) and by watching the folder", async () => {
    await write("greetings.mjs", "export function greet(name) { return 'hello ' + name; }\n");
    await reloadFunctions();
    expect(await findFunction("greet")?.("Dee")).toBe("hello Dee");
    expect(findFunction("add")).toBeUndefined();

    const stop = await startFunctionWatcher();
    try {
      const before = listFunctions().loadedAt;
      await write("greetings.mjs", "export function greet(name) { return 'howdy ' + name + ', partner'; }\n");
      await waitFor(
        "the watcher to reload",
        // A call always runs the file as it is now; the listing changes when the watcher reloads.
        async () =>
          listFunctions().loadedAt.getTime() > before.getTime() &&
          (await findFunction("greet")?.("Eve")) === "howdy Eve, partner",
        5_000,
      );
      expect(listFunctions().loadedAt.getTime()).toBeGreaterThan(before.getTime());

      await write("extra.mjs", "export function fresh() { return 'new file'; }\n");
      await waitFor(
        "a new file to load",
        async () => (await findFunction("fresh")?.()) === "new file",
        5_000,
      );
      await fs.rm(path.join(functionsDir, "extra.mjs"));
      await waitFor("a removed file to unload", () => findFunction("fresh") === undefined, 5_000);
    } finally {
      stop();
    }
  });

  it("a run sees the folder as it is, even without a watcher", async () => {
    await write("late.mjs", "export function late() { return 'just written'; }\n");
    expect((await call("late")).res.result).toBe("just written");
  });
});

describe("parsing a function's source", () => {
  it("reads parameter names", () => {
    expect(parseParams("function f(a, b = 'x,y', ...rest) {}")).toEqual(["a", "b", "...rest"]);
    expect(parseParams("async function g({ a, b = 1 }, [c, d], /* e */ f) {}")).toEqual([
      "{ a, b = 1 }",
      "[c, d]",
      "f",
    ]);
    expect(parseParams("x => x")).toEqual(["x"]);
    expect(parseParams("async (a, b = (1, 2)) => a")).toEqual(["a", "b"]);
    expect(parseParams("function () {}")).toEqual([]);
    expect(parseParams("class A {}")).toEqual([]);
  });

  it("reads descriptions from JSDoc", () => {
    const src = `
/** Not this one. */
export function other() {}

/**
 * Does the thing,
 * carefully.
 * @returns nothing
 */
export async function thing(a) {}

/**
 * Arrow.
 * @zh 箭头
 */
export const arrow = () => 1;
`;
    expect(describeFromSource(src, ["thing"])).toEqual({ description: "Does the thing, carefully." });
    expect(describeFromSource(src, ["other"])).toEqual({ description: "Not this one." });
    expect(describeFromSource(src, ["nothing"])).toEqual({ description: "" });
    expect(describeFromSource(src, ["arrow"])).toEqual({ description: "Arrow.", descriptionZh: "箭头" });
  });
});
