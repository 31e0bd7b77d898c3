/**
 * The real `kairos` binary (child processes): the commands that work on the database, then
 * the client commands against a running Kairos (startApp: production web + a worker).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { and, eq, isNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../server/db/client";
import { apiTokens, ipRules, jobs, users } from "../../server/db/schema";
import { hashToken } from "../../server/tokens/tokens";
import { type RunningApp, startApp } from "../helpers/app";
import { type HitServer, startHitServer, waitForFinishedRuns } from "../helpers/jobs";
import { PROCESS_TEST_MS, waitFor } from "../helpers/wait";
import { kairos } from "./helpers";

const tmp = mkdtempSync(path.join(os.tmpdir(), "kairos-cli-"));
const db = () => getDb();

// Every step runs the real binary (node loading TypeScript): seconds each on a busy machine.
describe("on the database", { timeout: PROCESS_TEST_MS }, () => {
  it("prints help and refuses unknown commands and options with exit 2", async () => {
    const help = await kairos(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("kairos token create --name N --role R");
    expect(help.stdout).toContain("Exit codes");
    const sub = await kairos(["token", "--help"]);
    expect(sub.stdout).toContain("--expires");
    expect((await kairos(["bogus"])).code).toBe(2);
    const bad = await kairos(["token", "ls", "--nope"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--nope");
    expect((await kairos(["token", "create", "--name", "x"])).code).toBe(2);
    expect((await kairos(["start", "-f"])).code).toBe(2);
  });

  it("creates a token, printing only the token, stored as a hash", async () => {
    const r = await kairos(["token", "create", "--name", "ci", "--role", "operator", "--expires", "30d"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^kairos_[A-Za-z0-9_-]{43}\n$/);
    const token = r.stdout.trim();
    const [row] = await db().select().from(apiTokens).where(eq(apiTokens.name, "ci"));
    expect(row).toMatchObject({
      role: "operator",
      kind: "service",
      tokenHash: hashToken(token),
      revokedAt: null,
    });
    expect(row?.expiresAt?.getTime()).toBeGreaterThan(Date.now() + 29 * 86400_000);
    const again = await kairos(["token", "create", "--name", "CI", "--role", "viewer"]);
    expect(again.code).toBe(7);
    expect(again.stderr).toContain("name:");
    expect(
      (await kairos(["token", "create", "--name", "y", "--role", "viewer", "--expires", "soon"])).code,
    ).toBe(7);
  });

  it("lists tokens as a table and as JSON, and revokes by name or id", async () => {
    const ls = await kairos(["token", "ls"]);
    expect(ls.stdout.split("\n")[0]).toMatch(/^ID\s+NAME\s+KIND\s+ROLE/);
    expect(ls.stdout).toContain("ci");
    const json = JSON.parse((await kairos(["token", "ls", "--json"])).stdout) as {
      name: string;
      tokenPrefix: string;
    }[];
    expect(json.map((t) => t.name)).toEqual(["ci"]);
    expect(JSON.stringify(json)).not.toContain("tokenHash");
    expect((await kairos(["token", "revoke", "ci"])).code).toBe(0);
    const [row] = await db().select().from(apiTokens).where(eq(apiTokens.name, "ci"));
    expect(row?.revokedAt).toBeInstanceOf(Date);
    expect((await kairos(["token", "revoke", "ci"])).code).toBe(4);
    expect((await kairos(["token", "revoke", String(row?.id)])).code).toBe(7);
    expect(JSON.parse((await kairos(["token", "ls", "--json"])).stdout)).toEqual([]);
    expect(JSON.parse((await kairos(["token", "ls", "--all", "--json"])).stdout)).toHaveLength(1);
  });

  it("makes a personal token for a user, never above the user's role", async () => {
    const admin = await kairos(
      ["create-admin", "--username", "ops", "--email", "ops@example.com", "--password-stdin"],
      {
        stdin: "a long enough password\n",
      },
    );
    expect(admin.code).toBe(0);
    expect(admin.stdout).toContain("created admin ops");
    const [u] = await db().select().from(users).where(eq(users.username, "ops"));
    expect(u?.role).toBe("admin");
    expect((await kairos(["create-admin", "--username", "short", "--password", "abc"])).code).toBe(7);
    expect((await kairos(["create-admin", "--username", "ops", "--password", "another password"])).code).toBe(
      7,
    );
    const mine = await kairos([
      "token",
      "create",
      "--name",
      "mine",
      "--role",
      "admin",
      "--user",
      "ops",
      "--json",
    ]);
    expect(JSON.parse(mine.stdout)).toMatchObject({ kind: "personal", username: "ops", role: "admin" });
    expect(
      (await kairos(["token", "create", "--name", "z", "--role", "admin", "--user", "nobody"])).code,
    ).toBe(4);
  });

  it("edits the IP lists without a lock-out check (the way back in)", async () => {
    const add = await kairos(["ip", "allow", "add", "10.0.0.0/8", "--note", "office"]);
    expect(add.code).toBe(0);
    expect(add.stdout).toContain("added 10.0.0.0/8 to the allow list");
    const deny = await kairos(["ip", "blacklist", "add", "2001:db8::1"]);
    expect(deny.code).toBe(0);
    expect(
      await db()
        .select({ list: ipRules.list, cidr: ipRules.cidr, source: ipRules.source, note: ipRules.note })
        .from(ipRules)
        .orderBy(ipRules.list),
    ).toEqual([
      { list: "allow", cidr: "10.0.0.0/8", source: "cli", note: "office" },
      { list: "deny", cidr: "2001:db8::1/128", source: "cli", note: "" },
    ]);
    const ls = await kairos(["ip", "ls"]);
    expect(ls.stdout).toMatch(/allow\s+10\.0\.0\.0\/8\s+office\s+cli/);
    expect(JSON.parse((await kairos(["ip", "deny", "ls", "--json"])).stdout)).toHaveLength(1);
    expect((await kairos(["ip", "allow", "add", "300.1.1.1"])).code).toBe(7);
    expect((await kairos(["ip", "allow", "add", "10.0.0.0/8"])).code).toBe(7);
    expect((await kairos(["ip", "allow", "remove", "10.0.0.0/8"])).code).toBe(0);
    expect((await kairos(["ip", "deny", "rm", "2001:db8::1"])).code).toBe(0);
    expect((await kairos(["ip", "deny", "remove", "2001:db8::1"])).code).toBe(4);
    expect((await kairos(["ip", "sideways", "add", "1.2.3.4"])).code).toBe(2);
    expect(await db().select().from(ipRules)).toEqual([]);
  });

  it("migrates (a no-op when current) and reloads the IP seeds from its environment", async () => {
    const m = await kairos(["migrate"]);
    expect(m.code).toBe(0);
    expect(m.stdout).toContain("the database is current");
    const r = await kairos(["reload"], { env: { IP_BLACKLIST: "192.0.2.99,198.51.100.0/24" } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("2 added");
    const rows = await db().select().from(ipRules).where(eq(ipRules.source, "env"));
    expect(rows.map((x) => x.cidr).sort()).toEqual(["192.0.2.99/32", "198.51.100.0/24"]);
    const r2 = await kairos(["reload"], { env: { IP_BLACKLIST: "192.0.2.99" } });
    expect(r2.stdout).toContain("1 removed");
    expect((await db().select().from(ipRules)).map((x) => x.cidr)).toEqual(["192.0.2.99/32"]);
    const bad = await kairos(["reload"], { env: { IP_BLACKLIST: "not-an-ip" } });
    expect(bad.code).toBe(78);
    expect(bad.stderr).toContain("IP_BLACKLIST");
    await kairos(["ip", "deny", "remove", "192.0.2.99"]);
  });
});

describe("against a running Kairos", { timeout: PROCESS_TEST_MS }, () => {
  let app: RunningApp;
  let peer: HitServer;
  let token: string;
  let env: Record<string, string>;
  let jobId: number;

  beforeAll(async () => {
    peer = await startHitServer();
    app = await startApp();
    const t = await kairos(["token", "create", "--name", "cli-client", "--role", "admin"]);
    token = t.stdout.trim();
    env = { KAIROS_URL: app.url, KAIROS_TOKEN: token };
  });
  afterAll(async () => {
    await app?.stop();
    await peer?.close();
  });

  it("adds jobs from a file, TimerJobs-shaped or Kairos-shaped, and lists them", async () => {
    expect((await kairos(["jobs", "ls"], { env })).stdout.trim()).toBe("no jobs");
    const file = path.join(tmp, "job.json");
    writeFileSync(
      file,
      JSON.stringify({
        name: "健康检查",
        desc: "检查服务健康状态",
        cron_expr: "0 */2 * * * *",
        mode: "http",
        command: `【url】${peer.url}/health-check\n【mode】GET`,
      }),
    );
    const add = await kairos(["jobs", "add", "-f", file, "--json"], { env });
    expect(add.code).toBe(0);
    const job = JSON.parse(add.stdout) as { id: number; name: string; cron: string };
    expect(job).toMatchObject({ name: "健康检查", cron: "0 */2 * * * *" });
    jobId = job.id;
    writeFileSync(
      file,
      JSON.stringify([
        { name: "echo", cron: "0 0 1 1 *", mode: "command", command: "【command】echo from-the-cli" },
      ]),
    );
    const add2 = await kairos(["jobs", "add", "-f", file], { env });
    expect(add2.code).toBe(0);
    expect(add2.stdout).toMatch(/^created job \d+ \(echo\)/);
    const ls = await kairos(["jobs", "ls"], { env });
    expect(ls.stdout.split("\n")[0]).toMatch(/^ID\s+NAME\s+MODE\s+CRON\s+STATE/);
    expect(ls.stdout).toContain("健康检查");
    expect(ls.stdout).toContain("echo");
    const list = JSON.parse((await kairos(["jobs", "ls", "--json"], { env })).stdout) as { total: number };
    expect(list.total).toBe(2);
    writeFileSync(
      file,
      JSON.stringify({ name: "bad", cron_expr: "99 * * * *", mode: "http", command: "http://a.test" }),
    );
    const bad = await kairos(["jobs", "add", "-f", file], { env });
    expect(bad.code).toBe(7);
    expect(bad.stderr).toContain("cron");
  });

  it("runs a job, waiting for it and printing its output", async () => {
    const [echo] = await db().select().from(jobs).where(eq(jobs.name, "echo"));
    const r = await kairos(["jobs", "run", String(echo?.id), "--wait"], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("from-the-cli");
    expect(r.stderr).toMatch(/run \d+ succeeded/);
    const quick = await kairos(["jobs", "run", String(jobId)], { env });
    expect(quick.stdout).toMatch(/^run \d+ queued/);
    await waitForFinishedRuns(jobId, 1);
    expect((await kairos(["jobs", "run", "999999"], { env })).code).toBe(4);
    expect((await kairos(["jobs", "run"], { env })).code).toBe(2);
  });

  it("prints a job's logs, and follows new runs as they happen", async () => {
    const logs = await kairos(["jobs", "logs", String(jobId)], { env });
    expect(logs.code).toBe(0);
    expect(logs.stdout).toMatch(/── run \d+ · api · succeeded/);
    expect(logs.stdout).toContain("ok /health-check");
    const json = JSON.parse((await kairos(["jobs", "logs", String(jobId), "--json"], { env })).stdout) as {
      output: string;
    }[];
    expect(json[0]?.output).toContain("ok /health-check");

    const [echo] = await db().select().from(jobs).where(eq(jobs.name, "echo"));
    const follow = spawn(process.execPath, ["bin/kairos.js", "jobs", "logs", String(echo?.id), "--follow"], {
      env: { ...process.env, ...env, LOG_LEVEL: "warn" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    follow.stdout.on("data", (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((r) => follow.once("exit", (code) => r(code)));
    await waitFor("the first listing", () => out.includes("from-the-cli"), 30_000);
    const before = out.split("── run").length;
    // A new run appears in the followed output, with its output.
    await fetch(`${app.url}/api/v1/jobs/${echo?.id}/run`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
    });
    await waitFor(
      "the new run in the followed output",
      () => out.split("── run").length > before && out.split("from-the-cli").length > 2,
      30_000,
    );
    follow.kill("SIGINT");
    expect(await exited).toBe(0);
  });

  it("exports every job and imports them again over the API (names kept, chains by name)", async () => {
    const file = path.join(tmp, "export.json");
    const ex = await kairos(["jobs", "export", "-o", file], { env });
    expect(ex.code).toBe(0);
    const doc = JSON.parse(readFileSync(file, "utf8")) as { kairos: number; jobs: Record<string, unknown>[] };
    expect(doc.kairos).toBe(1);
    expect(doc.jobs.map((j) => j.name)).toEqual(["健康检查", "echo"]);
    expect(doc.jobs[0]).not.toHaveProperty("id");
    // Stdout too.
    expect(JSON.parse((await kairos(["jobs", "export"], { env })).stdout).jobs).toHaveLength(2);

    doc.jobs.push({ ...doc.jobs[1], name: "echo 2", onSuccessStart: ["健康检查"] });
    doc.jobs.push({ name: "broken", cron: "nope", mode: "http", command: "http://a.test" });
    (doc.jobs[0] as { description: string }).description = "imported";
    writeFileSync(file, JSON.stringify(doc));
    const im = await kairos(["jobs", "import", "-f", file, "--json"], { env });
    expect(im.code).toBe(7);
    const result = JSON.parse(im.stdout) as {
      created: number;
      updated: number;
      failed: { name: string; error: string }[];
    };
    expect(result).toMatchObject({ created: 1, updated: 2 });
    expect(result.failed).toEqual([{ name: "broken", error: expect.stringContaining("cron"), code: 7 }]);
    const rows = await db().select().from(jobs);
    expect(rows.map((r) => r.name).sort()).toEqual(["echo", "echo 2", "健康检查"]);
    const health = rows.find((r) => r.name === "健康检查");
    expect(health?.description).toBe("imported");
    expect(rows.find((r) => r.name === "echo 2")?.onSuccessStart).toEqual([health?.id]);
  });

  it("shuts this machine out with `kairos ip` and lets it back in (the web process sees it at once)", async () => {
    expect((await kairos(["ip", "deny", "add", "127.0.0.1", "--note", "oops"])).code).toBe(0);
    const out = await kairos(["jobs", "ls"], { env });
    expect(out.code).toBe(5);
    expect(out.stderr).toContain("deny list");
    expect((await kairos(["ip", "deny", "remove", "127.0.0.1"])).code).toBe(0);
    expect((await kairos(["jobs", "ls"], { env })).code).toBe(0);
  });

  it("exits 5 for a refused token, 6 when Kairos cannot be reached", async () => {
    const refused = await kairos(["jobs", "ls"], { env: { ...env, KAIROS_TOKEN: "kairos_wrong" } });
    expect(refused.code).toBe(5);
    expect(refused.stderr).toContain("invalid API token");
    expect((await kairos(["jobs", "ls"], { env: { KAIROS_URL: app.url, KAIROS_TOKEN: "" } })).code).toBe(5);
    const [t] = await db()
      .select()
      .from(apiTokens)
      .where(and(eq(apiTokens.name, "cli-client"), isNull(apiTokens.revokedAt)));
    expect(t?.lastUsedAt).toBeInstanceOf(Date);
    const down = await kairos(["jobs", "ls", "--url", "http://127.0.0.1:9"], { env });
    expect(down.code).toBe(6);
    expect(down.stderr).toContain("cannot reach Kairos");
  });
});
