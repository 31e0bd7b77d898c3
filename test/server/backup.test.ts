/**
 * Issue 13, Backup and restore: export → a fresh database → import gives the same jobs,
 * scripts, sites, users, secrets (names), IP rules, mutes and settings; importing again changes
 * nothing; a dry run changes nothing (every table's rows hashed before and after); bad files
 * are refused naming the field; a version 1 file (the first `kairos export`) still imports.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setRequestLog } from "../../server/api/request-log";
import { authenticate } from "../../server/auth/users";
import { exportArchive, readBackupBytes } from "../../server/backup/archive";
import { exportBackup } from "../../server/backup/export";
import { downloadBackup, uploadBackup } from "../../server/backup/http";
import { BackupInvalid, type ImportResult, importBackup } from "../../server/backup/import";
import type { Backup } from "../../server/backup/schema";
import { type Db, getDb } from "../../server/db/client";
import {
  alertRules,
  auditLog,
  jobs,
  notifyState,
  secrets,
  sites,
  users,
  webhookRoutes,
  webhooks,
} from "../../server/db/schema";
import { addIpRule } from "../../server/ipcontrol/rules";
import { createJob } from "../../server/jobs/jobs";
import { uploadScript } from "../../server/reports/scripts";
import { createSecret } from "../../server/secrets/secrets";
import { createSite } from "../../server/sites/sites";
import { createToken } from "../../server/tokens/tokens";
import { freshDatabase } from "../helpers/fresh-db";
import { ADMIN } from "../helpers/jobs";
import { makeUser } from "../helpers/users";

const TABLES = [
  "users",
  "jobs",
  "script_versions",
  "sites",
  "site_users",
  "secrets",
  "ip_rules",
  "api_tokens",
  "notify_state",
  "settings",
  "runs",
  "audit_log",
];

/** Each table's row count and a hash of its rows: equal before and after means nothing changed. */
async function fingerprint(db: Db) {
  const out: Record<string, string> = {};
  for (const t of TABLES) {
    const [r] = await db.execute<{ n: number; h: string | null }>(
      sql.raw(`select count(*)::int as n, md5(string_agg(t::text, '|' order by t::text)) as h from ${t} t`),
    );
    out[t] = `${r?.n}:${r?.h}`;
  }
  return out;
}

const copy = <T>(v: T): T => JSON.parse(JSON.stringify(v));
const withoutMoment = ({ exportedAt: _e, tokens: _t, ...rest }: Backup) => rest;

let fresh: Awaited<ReturnType<typeof freshDatabase>>;
let doc: Backup;

beforeAll(async () => {
  const db = getDb();
  const alice = await makeUser("operator", "alice-password-1", { username: "alice" });
  await makeUser("admin", "bob-password-1", { username: "bob" });
  const actor = { id: alice.id, name: "alice", role: "admin" as const };
  await createSecret(db, ADMIN, { name: "API_KEY", value: "s3cret-value", description: "the partner API" });
  await addIpRule(db, ADMIN, { list: "allow", value: "10.0.0.0/8", note: "office" });
  await createToken(db, ADMIN, { name: "nightly", role: "viewer", kind: "service" });
  await uploadScript(db, actor, { name: "daily.py", content: "print('v1')\n" });
  const v2 = await uploadScript(db, actor, { name: "daily.py", content: "print('v2')\n" });
  const after = await createJob(db, actor, {
    name: "after",
    cron: "0 3 * * *",
    timezone: "Asia/Shanghai",
    mode: "command",
    params: { command: "echo done" },
    state: "stopped",
  });
  await createJob(db, actor, {
    name: "partner ping",
    description: "calls the partner with the named secret",
    cron: "*/10 * * * *",
    timezone: "UTC",
    mode: "http",
    params: { url: "https://partner.example/ping", headers: [["X-Api-Key", "{{secret.API_KEY}}"]] },
    onSuccessStart: [after.id],
    notifyEmails: ["ops@example.com"],
    tags: ["partner"],
  });
  await createJob(db, actor, {
    name: "daily report",
    cron: "0 8 * * 1-5",
    timezone: "Asia/Shanghai",
    mode: "script",
    params: { scriptId: v2.id, args: ["--all"] },
  });
  const site = await createSite(db, actor, {
    code: "GZ",
    name: "广州",
    timezone: "Asia/Shanghai",
    baseUrl: "http://gz.example/files/",
  });
  await db
    .insert(notifyState)
    .values({ subjectKind: "site", subjectId: site.id, mutedUntil: new Date("2030-01-01T00:00:00Z") });
  const [hook] = await db
    .insert(webhooks)
    .values({
      name: "ops robot",
      kind: "dingtalk",
      url: "https://oapi.dingtalk.example/robot?t=1",
      secret: "SECsign",
    })
    .returning();
  if (hook)
    await db.insert(webhookRoutes).values({ subjectKind: "site", subjectId: site.id, webhookId: hook.id });
  await db
    .insert(alertRules)
    .values({ siteId: site.id, name: "cpu busy", kind: "cpu_idle_below", threshold: 10, forMinutes: 5 });
  await setRequestLog(db, ADMIN, true);
  doc = await exportBackup(db);
  fresh = await freshDatabase();
});
afterAll(async () => {
  await fresh?.drop();
});

describe("export", () => {
  it("names everything by natural keys and leaves out hashes and secret values", () => {
    expect(doc).toMatchObject({ format: "kairos-backup", schemaVersion: 2 });
    expect(doc.users.map((u) => u.username)).toEqual(expect.arrayContaining(["alice", "bob"]));
    expect(doc.users.every((u) => u.passwordHash === undefined)).toBe(true);
    expect(doc.secrets).toEqual([{ name: "API_KEY", description: "the partner API" }]);
    expect(doc.tokens).toMatchObject([{ name: "nightly", role: "viewer", kind: "service" }]);
    expect(JSON.stringify(doc)).not.toContain("s3cret-value");
    expect(JSON.stringify(doc)).not.toContain("token_hash");
    const report = doc.jobs.find((j) => j.name === "daily report");
    expect(report).toMatchObject({ script: { name: "daily.py", version: 2 }, owner: "alice" });
    expect(report?.params.scriptId).toBeUndefined();
    expect(doc.jobs.find((j) => j.name === "partner ping")?.onSuccessStart).toEqual(["after"]);
    expect(doc.jobs.find((j) => j.name === "site-pull GZ")).toMatchObject({ site: "GZ" });
    expect(doc.sites).toMatchObject([{ code: "GZ", pullJob: "site-pull GZ", users: ["alice"] }]);
    expect(doc.mutes).toMatchObject([{ subject: "site", key: "GZ" }]);
    expect(doc.settings).toEqual({ api_request_log: true });
    expect(doc.webhooks).toEqual([
      {
        name: "ops robot",
        kind: "dingtalk",
        url: "https://oapi.dingtalk.example/robot?t=1",
        locale: "zh-CN",
        routes: [{ subject: "site", key: "GZ" }],
      },
    ]);
    expect(JSON.stringify(doc)).not.toContain("SECsign");
    expect(doc.alertRules).toMatchObject([
      { site: "GZ", name: "cpu busy", kind: "cpu_idle_below", threshold: 10, forMinutes: 5 },
    ]);
    expect(doc.scripts).toMatchObject([{ name: "daily.py", versions: [{ version: 1 }, { version: 2 }] }]);
  });
});

describe("import into a fresh database", () => {
  it("restores the same jobs, scripts, sites and settings; a second import changes nothing", async () => {
    const first = await importBackup(fresh.db, ADMIN, copy(doc));
    expect(first.counts.update).toBe(0);
    expect(first.counts.create).toBeGreaterThan(10);
    expect(first.items).toContainEqual({ kind: "user", key: "alice", action: "create", note: "noPassword" });
    expect(first.items).toContainEqual({
      kind: "secret",
      key: "API_KEY",
      action: "create",
      note: "noSecretValue",
    });
    expect(first.items).toContainEqual({
      kind: "token",
      key: "nightly",
      action: "skip",
      note: "tokenNotRestored",
    });

    const again = await exportBackup(fresh.db);
    expect(withoutMoment(again)).toEqual(withoutMoment(doc));
    // The restored site points at the restored pull job, which points back at the site.
    const [site] = await fresh.db.select().from(sites).where(eq(sites.code, "GZ"));
    const [pull] = await fresh.db.select().from(jobs).where(eq(jobs.name, "site-pull GZ"));
    expect(site?.pullJobId).toBe(pull?.id);
    expect(pull?.params).toMatchObject({ siteId: site?.id });
    // Scheduled jobs have their next fire computed; stopped ones none.
    const [ping] = await fresh.db.select().from(jobs).where(eq(jobs.name, "partner ping"));
    expect(ping?.nextFireAt).toBeInstanceOf(Date);

    const before = await fingerprint(fresh.db);
    const second = await importBackup(fresh.db, ADMIN, copy(doc));
    expect(second.counts).toMatchObject({ create: 0, update: 0 });
    const after = await fingerprint(fresh.db);
    // Only the audit row of the second import is new.
    expect({ ...after, audit_log: "" }).toEqual({ ...before, audit_log: "" });
  });

  it("a dry run lists what would change and changes nothing", async () => {
    const changed = copy(doc);
    const ping = changed.jobs.find((j) => j.name === "partner ping");
    if (!ping) throw new Error("no partner ping");
    ping.description = "changed in the file";
    changed.jobs.push({ ...copy(ping), name: "brand new", onSuccessStart: [], onFailureStart: [] });
    changed.users.push({
      username: "carol",
      email: null,
      name: "",
      role: "viewer",
      locale: null,
      timeZone: null,
      isActive: true,
    });
    const before = await fingerprint(fresh.db);
    const plan = await importBackup(fresh.db, ADMIN, changed, { dryRun: true });
    expect(plan.dryRun).toBe(true);
    expect(plan.items).toContainEqual({ kind: "job", key: "partner ping", action: "update" });
    expect(plan.items).toContainEqual({ kind: "job", key: "brand new", action: "create" });
    expect(plan.items).toContainEqual({ kind: "user", key: "carol", action: "create", note: "noPassword" });
    expect(plan.items).toContainEqual({ kind: "script", key: "daily.py v2", action: "unchanged" });
    expect(await fingerprint(fresh.db)).toEqual(before);
    // …and applying it does what the preview said.
    const applied = await importBackup(fresh.db, ADMIN, changed);
    expect(applied.items).toEqual(plan.items);
    const [row] = await fresh.db.select().from(jobs).where(eq(jobs.name, "partner ping"));
    expect(row?.description).toBe("changed in the file");
  });

  it("carries password hashes and secret values only when asked", async () => {
    const full = await exportBackup(getDb(), { withPasswords: true, withSecrets: true });
    expect(full.users.find((u) => u.username === "alice")?.passwordHash).toMatch(/^\$argon2id\$/);
    expect(full.secrets[0]?.value).toBe("s3cret-value");
    const target = await freshDatabase();
    try {
      await importBackup(target.db, ADMIN, copy(full));
      expect(await authenticate(target.db, "alice", "alice-password-1")).toMatchObject({ username: "alice" });
      const [s] = await target.db.select().from(secrets).where(eq(secrets.name, "API_KEY"));
      expect(s?.value).toBe("s3cret-value");
    } finally {
      await target.drop();
    }
    // Without them, a restored user cannot sign in until given a password.
    expect(await authenticate(fresh.db, "alice", "alice-password-1")).toBeNull();
  });

  it("masks secret values inside job definitions unless asked, and says what to do on a new installation", async () => {
    const db = getDb();
    await createJob(db, ADMIN, {
      name: "inline secret",
      cron: "0 0 1 1 *",
      timezone: "UTC",
      mode: "http",
      params: { url: "https://x.example/", headers: [["Authorization", "Bearer inline-123"]] },
      state: "stopped",
    });
    const masked = await exportBackup(db);
    expect(JSON.stringify(masked)).not.toContain("inline-123");
    const target = await freshDatabase();
    try {
      const err = await importBackup(target.db, ADMIN, copy(masked)).catch((e) => e);
      expect(err).toBeInstanceOf(BackupInvalid);
      const i = masked.jobs.findIndex((j) => j.name === "inline secret");
      expect((err as BackupInvalid).field).toBe(`jobs[${i}].params.headers`);
      // Nothing of the refused import stayed.
      expect(await target.db.select().from(users)).toEqual([]);
      // On the installation it came from the stored value is kept.
      const same = await importBackup(db, ADMIN, copy(masked));
      expect(same.items).toContainEqual({ kind: "job", key: "inline secret", action: "unchanged" });
      // With secrets it restores anywhere.
      await importBackup(target.db, ADMIN, copy(await exportBackup(db, { withSecrets: true })));
      const [row] = await target.db.select().from(jobs).where(eq(jobs.name, "inline secret"));
      expect(row?.params).toMatchObject({ headers: [["Authorization", "Bearer inline-123"]] });
    } finally {
      await target.drop();
    }
  });
});

describe("bad files", () => {
  const refusal = async (raw: unknown) => {
    const err = await importBackup(fresh.db, ADMIN, raw, { dryRun: true }).catch((e) => e);
    expect(err).toBeInstanceOf(BackupInvalid);
    return err as BackupInvalid;
  };

  it("are refused naming the field", async () => {
    const badCron = copy(doc);
    badCron.jobs[0] = { ...badCron.jobs[0], cron: "every now and then" } as Backup["jobs"][number];
    expect((await refusal(badCron)).field).toBe("jobs[0].cron");

    const noRole = copy(doc) as unknown as { users: Record<string, unknown>[] };
    delete noRole.users[1]?.role;
    expect((await refusal(noRole)).field).toBe("users[1].role");

    const chain = copy(doc);
    const j = chain.jobs.findIndex((x) => x.name === "partner ping");
    (chain.jobs[j] as Backup["jobs"][number]).onSuccessStart = ["nobody"];
    const err = await refusal(chain);
    expect(err.field).toBe(`jobs[${j}].onSuccessStart[0]`);
    expect(err.message).toContain('no job named "nobody"');
    expect(err.problems("zh-CN")).toEqual([
      { field: `jobs[${j}].onSuccessStart[0]`, message: "本系统和文件中都没有名为“nobody”的任务" },
    ]);

    const secret = copy(doc);
    const k = secret.jobs.findIndex((x) => x.name === "partner ping");
    (secret.jobs[k] as Backup["jobs"][number]).params.headers = [["X-Api-Key", "{{secret.NOT_DEFINED}}"]];
    const missing = await refusal(secret);
    expect(missing.field).toBe(`jobs[${k}].params`);
    expect(missing.message).toContain("NOT_DEFINED");

    const site = copy(doc);
    (site.sites[0] as Backup["sites"][number]).timezone = "Mars/Olympus";
    expect((await refusal(site)).field).toBe("sites[0].timezone");

    expect((await refusal({ ...copy(doc), schemaVersion: 99 })).field).toBe("schemaVersion");
    expect((await refusal({ hello: "world" })).field).toBe("format");
    expect((await refusal({ ...copy(doc), jobs: "many" })).field).toBe("jobs");
  });

  it("that are not JSON or a backup archive are refused before anything", async () => {
    await expect(readBackupBytes(Buffer.from("{ not json"))).rejects.toMatchObject({ field: "file" });
    const zipped = await exportArchive(getDb());
    const inside = (await readBackupBytes(zipped)) as Backup;
    expect(inside.with.files).toBe(true);
    expect(inside.jobs.length).toBe(doc.jobs.length + 1);
  });
});

describe("older files", () => {
  it("imports a version 1 file (the jobs-only `kairos export`) through the upgrade step", async () => {
    const v1 = JSON.parse(readFileSync(path.join(__dirname, "fixtures", "backup-v1.json"), "utf8"));
    const r = await importBackup(fresh.db, ADMIN, v1);
    expect(r.upgradedFrom).toBe(1);
    expect(r.schemaVersion).toBe(2);
    expect(r.items).toEqual([
      { kind: "job", key: "v1 nightly cleanup", action: "create" },
      { kind: "job", key: "v1 health check", action: "create" },
    ]);
    const [health] = await fresh.db.select().from(jobs).where(eq(jobs.name, "v1 health check"));
    const [cleanup] = await fresh.db.select().from(jobs).where(eq(jobs.name, "v1 nightly cleanup"));
    expect(health?.onFailureStart).toEqual([cleanup?.id]);
    expect(health).toMatchObject({ cron: "*/5 * * * *", timezone: "Asia/Shanghai", tags: ["legacy"] });
    const again = await importBackup(fresh.db, ADMIN, v1);
    expect(again.counts).toMatchObject({ create: 0, update: 0, unchanged: 2 });
  });
});

describe("the browser's routes (Admin › Backup)", () => {
  const post = (body: BodyInit, query = "", headers: Record<string, string> = {}) =>
    new Request(`http://localhost/api/backup/import${query}`, { method: "POST", body, headers });

  it("download a backup and preview, refuse or apply an upload", async () => {
    const admin = await makeUser("admin");
    const down = await downloadBackup(getDb(), admin, new Request("http://localhost/api/backup?secrets=1"));
    expect(down.headers.get("content-disposition")).toMatch(
      /attachment; filename="kairos-backup-\d{8}-\d{4}\.json"/,
    );
    const file = (await down.json()) as Backup;
    expect(file.secrets[0]?.value).toBe("s3cret-value");
    const [audited] = await getDb().select().from(auditLog).where(eq(auditLog.action, "backup.export"));
    expect(audited?.after).toMatchObject({ withSecrets: true, withPasswords: false });

    const cross = await uploadBackup(
      getDb(),
      admin,
      post(JSON.stringify(file), "?dryRun=1", { origin: "https://evil.example" }),
    );
    expect(cross.status).toBe(403);

    // On the installation being restored, an admin of its own (restored from the file earlier).
    const [bob] = await fresh.db.select().from(users).where(eq(users.username, "bob"));
    if (!bob) throw new Error("bob was not restored");
    const { passwordHash: _h, ...there } = bob;
    const before = await fingerprint(fresh.db);
    const preview = await uploadBackup(fresh.db, there, post(JSON.stringify(file), "?dryRun=1"));
    expect(preview.status).toBe(200);
    expect(((await preview.json()) as ImportResult).dryRun).toBe(true);
    expect(await fingerprint(fresh.db)).toEqual(before);

    const bad = await uploadBackup(
      fresh.db,
      admin,
      post(JSON.stringify({ ...file, users: [{ username: "x" }] })),
    );
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ field: "users[0].role" });
    // A 中文 admin reads the refusal in Chinese, each problem naming its field.
    const badZh = await uploadBackup(
      fresh.db,
      { ...admin, locale: "zh-CN" },
      post(JSON.stringify({ ...file, schemaVersion: 999, users: [{ username: "x" }] })),
    );
    expect(badZh.status).toBe(400);
    expect(await badZh.json()).toMatchObject({
      field: "schemaVersion",
      error: expect.stringMatching(
        /^schemaVersion：此文件的结构版本为 999，当前 Kairos 最高只能读取版本 \d+（请先升级 Kairos）$/,
      ),
      problems: [{ field: "schemaVersion", message: expect.stringMatching(/^此文件的结构版本为 999/) }],
    });
    const notJsonZh = await uploadBackup(fresh.db, { ...admin, locale: "zh-CN" }, post("{ nope"));
    expect(((await notJsonZh.json()) as { problems: { message: string }[] }).problems).toEqual([
      { field: "file", message: "不是有效的 JSON：第 1 行第 3 列，出现了意外的字符" },
    ]);

    const applied = await uploadBackup(fresh.db, there, post(JSON.stringify(file)));
    expect(((await applied.json()) as ImportResult).dryRun).toBe(false);
  });
});
