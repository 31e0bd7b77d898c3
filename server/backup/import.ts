/**
 * Import: a backup file (any known schema version) applied in one transaction, by natural keys:
 * what is missing is created, what differs is updated, what is equal is left alone, and nothing
 * the file does not name is deleted — importing the same file twice changes nothing the second
 * time. A dry run does the same work and rolls it back, so its preview is exactly what an
 * import would do (constraint violations included) and the database is left untouched.
 */
import { createHash, randomBytes } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { type Actor, audit } from "../audit";
import { ZUsername } from "../auth/schema";
import type { Db, Tx } from "../db/client";
import {
  alertRules,
  ipRules,
  type JobRow,
  jobs,
  notifyState,
  scriptVersions,
  secrets,
  settings,
  sites,
  siteUsers,
  users,
  webhookRoutes,
  webhooks,
} from "../db/schema";
import { issueMsg, type Msg, msg, renderMsg } from "../i18n/errors";
import type { Locale } from "../i18n/locale";
import { compileRules, decide } from "../ipcontrol/check";
import { bumpVersion } from "../ipcontrol/rules";
import { JOBS_CHANNEL, nextFireAfter } from "../jobs/jobs";
import { ZJobInput } from "../jobs/schema";
import { SECRET_MASK, unmaskParams } from "../jobs/secret-fields";
import { CidrError, displayRange, parseRange } from "../lib/cidr";
import type { JobMode } from "../lib/enums";
import { DomainError } from "../lib/errors";
import { secretRefs } from "../secrets/secrets";
import { ZCreateSiteInput } from "../sites/sites";
import { BACKUP_SCHEMA_VERSION, type Backup, upgradeBackup, versionOf, ZBackup } from "./schema";

export const BACKUP_KINDS = [
  "setting",
  "user",
  "secret",
  "ipRule",
  "token",
  "script",
  "site",
  "job",
  "mute",
  "webhook",
  "alertRule",
] as const;
export type BackupKind = (typeof BACKUP_KINDS)[number];
export type BackupAction = "create" | "update" | "unchanged" | "skip";
/** Why an item needs attention after the import (catalog key backup.note.<note>). */
export type BackupNote = "noPassword" | "noSecretValue" | "tokenNotRestored" | "fromEnvironment";
export type BackupItem = { kind: BackupKind; key: string; action: BackupAction; note?: BackupNote };
export type ImportResult = {
  dryRun: boolean;
  schemaVersion: number;
  /** The file's own version when it was older and upgraded first. */
  upgradedFrom: number | null;
  items: BackupItem[];
  counts: Record<BackupAction, number>;
};

export type BackupProblem = { field: string; msg: Msg };

/**
 * A file refused before anything is written: every problem, each naming its field and saying
 * what is wrong as a catalog message (the Error's text is English, for logs; `inLocale` for people).
 */
export class BackupInvalid extends DomainError {
  constructor(readonly list: BackupProblem[]) {
    super("BAD_REQUEST", problemsMsg(list), list[0]?.field);
    this.name = "BackupInvalid";
  }

  /** The problems in the reader's language. */
  problems(locale: Locale = "en"): { field: string; message: string }[] {
    return this.list.map((p) => ({ field: p.field, message: renderMsg(p.msg, locale) }));
  }
}

/** The first 20 problems, a line each (`field: detail`), and how many more. */
function problemsMsg(list: BackupProblem[]): Msg {
  const lines = list.slice(0, 20).map((p) => msg("backup.problem", { field: p.field, detail: p.msg }));
  const joined = lines.reduceRight<Msg | undefined>(
    (rest, first) => (rest ? msg("backup.lines", { first, rest }) : first),
    undefined,
  );
  const all = joined ?? msg("invalidInput");
  return list.length > 20 ? msg("backup.more", { list: all, n: list.length - 20 }) : all;
}

/** A zod issue's catalog message; a custom issue's own words, labelled, when it has none. */
export function issueProblem(field: string, issue: Parameters<typeof issueMsg>[0]): BackupProblem {
  return { field, msg: issueMsg(issue) ?? msg("backup.issueText", { text: issue.message }) };
}

/** `["jobs", 2, "params", "url"]` → `jobs[2].params.url`. */
export function fieldOf(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : `${out ? "." : ""}${String(p)}`;
  return out || "file";
}

const refused = (field: string, m: Msg) => new BackupInvalid([{ field, msg: m }]);

/** Stable JSON (sorted keys, instants as ISO text) for comparing stored rows with the file. */
function canon(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(canon);
  if (v && typeof v === "object")
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>)
        .filter(([, x]) => x !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, x]) => [k, canon(x)]),
    );
  return v;
}
const same = (a: unknown, b: unknown) => JSON.stringify(canon(a)) === JSON.stringify(canon(b));
const differs = (stored: Record<string, unknown>, wanted: Record<string, unknown>) =>
  Object.keys(wanted).some((k) => !same(stored[k], wanted[k]));

type CheckedJob = { value: z.output<typeof ZJobInput>; source: Backup["jobs"][number]; index: number };

/**
 * The file checked: upgraded to the current version, its shape (ZBackup) and each job (the
 * jobs' own schema, so a job refused here is one the job form would refuse) — all problems at once.
 */
export function parseBackup(raw: unknown): { doc: Backup; jobs: CheckedJob[]; from: number } {
  const version = versionOf(raw);
  if (version > BACKUP_SCHEMA_VERSION)
    throw refused("schemaVersion", msg("backup.schemaTooNew", { version, max: BACKUP_SCHEMA_VERSION }));
  let upgraded: { doc: unknown; from: number };
  try {
    upgraded = upgradeBackup(raw);
  } catch (e) {
    if (e instanceof z.ZodError)
      throw new BackupInvalid(e.issues.map((i) => issueProblem(fieldOf(i.path), i)));
    throw e;
  }
  const parsed = ZBackup.safeParse(upgraded.doc);
  if (!parsed.success)
    throw new BackupInvalid(parsed.error.issues.map((i) => issueProblem(fieldOf(i.path), i)));
  const doc = parsed.data;
  const problems: BackupProblem[] = [];
  const checked: CheckedJob[] = [];
  const seen = new Set<string>();
  doc.jobs.forEach((j, i) => {
    if (seen.has(j.name))
      problems.push({ field: `jobs[${i}].name`, msg: msg("backup.appearsTwice", { name: j.name }) });
    seen.add(j.name);
    const { onSuccessStart: _s, onFailureStart: _f, owner: _o, script, site, ...rest } = j;
    // Placeholders where the file names a script version or a site: resolved when applied.
    const params = { ...j.params, ...(script ? { scriptId: 1 } : {}), ...(site ? { siteId: 1 } : {}) };
    const r = ZJobInput.safeParse({ ...rest, params, onSuccessStart: [], onFailureStart: [] });
    if (r.success) checked.push({ value: r.data, source: j, index: i });
    else
      for (const issue of r.error.issues)
        problems.push(issueProblem(fieldOf(["jobs", i, ...issue.path]), issue));
  });
  const check = (schema: z.ZodType, value: unknown, at: (string | number)[]) => {
    const r = schema.safeParse(value);
    if (!r.success)
      for (const issue of r.error.issues) problems.push(issueProblem(fieldOf([...at, ...issue.path]), issue));
  };
  for (const [i, u] of doc.users.entries()) check(ZUsername, u.username, ["users", i, "username"]);
  for (const [i, s] of doc.sites.entries())
    check(ZCreateSiteInput, { code: s.code, name: s.name, baseUrl: s.baseUrl, timezone: s.timezone }, [
      "sites",
      i,
    ]);
  if (problems.length) throw new BackupInvalid(problems);
  return { doc, jobs: checked, from: upgraded.from };
}

/** Thrown to roll a dry run back, carrying what it would have done. */
class DryRunDone extends Error {
  constructor(readonly result: ImportResult) {
    super("dry run");
  }
}

export async function importBackup(
  db: Db,
  actor: Actor,
  raw: unknown,
  o: { dryRun?: boolean; callerIp?: string | null } = {},
): Promise<ImportResult> {
  const checked = parseBackup(raw);
  try {
    return await db.transaction(async (tx) => {
      const result = await apply(tx, actor, checked, o.callerIp ?? null);
      result.dryRun = !!o.dryRun;
      if (o.dryRun) throw new DryRunDone(result);
      await audit(tx, actor, "backup.import", "backup", null, {
        after: {
          schemaVersion: result.schemaVersion,
          upgradedFrom: result.upgradedFrom,
          counts: result.counts,
        },
      });
      return result;
    });
  } catch (e) {
    if (e instanceof DryRunDone) return e.result;
    throw e;
  }
}

async function apply(
  tx: Tx,
  actor: Actor,
  { doc, jobs: checkedJobs, from }: ReturnType<typeof parseBackup>,
  callerIp: string | null,
): Promise<ImportResult> {
  // One import at a time: two at once would both decide "create" for the same names.
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext('kairos_backup_import'))`);
  const items: BackupItem[] = [];
  const note = (kind: BackupKind, key: string, action: BackupAction, n?: BackupNote) =>
    items.push(n ? { kind, key, action, note: n } : { kind, key, action });
  const now = new Date();

  // ---- settings
  for (const [key, value] of Object.entries(doc.settings)) {
    const [row] = await tx.select().from(settings).where(eq(settings.key, key));
    if (row && same(row.value, value)) {
      note("setting", key, "unchanged");
      continue;
    }
    await tx
      .insert(settings)
      .values({ key, value })
      .onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: now } });
    note("setting", key, row ? "update" : "create");
  }

  // ---- users
  // Every table is read once up front and kept in step with what this import writes: one
  // statement per created or changed row, none for an unchanged one.
  const userRows = new Map<number, typeof users.$inferSelect>();
  const userId = new Map<string, number>();
  const emailOwner = new Map<string, number>();
  for (const u of await tx.select().from(users)) {
    userRows.set(u.id, u);
    userId.set(u.username.toLowerCase(), u.id);
    if (u.email) emailOwner.set(u.email.toLowerCase(), u.id);
  }
  for (const [i, u] of doc.users.entries()) {
    const wanted = {
      email: u.email ? u.email.toLowerCase() : null,
      name: u.name,
      role: u.role,
      locale: u.locale,
      timeZone: u.timeZone,
      isActive: u.isActive,
      ...(u.passwordHash ? { passwordHash: u.passwordHash } : {}),
    };
    const id = userId.get(u.username.toLowerCase());
    const emailTaken = wanted.email ? emailOwner.get(wanted.email) : undefined;
    if (emailTaken !== undefined && emailTaken !== id)
      throw refused(`users[${i}].email`, msg("backup.emailElsewhere", { email: String(wanted.email) }));
    if (id === undefined) {
      const [row] = await tx
        .insert(users)
        .values({
          username: u.username,
          ...wanted,
          // Without a hash in the file nobody can sign in as them until an admin sets a password.
          passwordHash: u.passwordHash ?? `!backup-import-${randomBytes(16).toString("hex")}`,
        })
        .returning({ id: users.id });
      if (!row) throw new Error("user insert returned nothing");
      userId.set(u.username.toLowerCase(), row.id);
      if (wanted.email) emailOwner.set(wanted.email, row.id);
      note("user", u.username, "create", u.passwordHash ? undefined : "noPassword");
      continue;
    }
    const stored = userRows.get(id);
    if (!stored || !differs(stored, wanted)) {
      note("user", u.username, "unchanged");
      continue;
    }
    const signOut =
      (wanted.passwordHash && wanted.passwordHash !== stored.passwordHash) ||
      (stored.isActive && !wanted.isActive);
    await tx
      .update(users)
      .set({ ...wanted, ...(signOut ? { sessionsValidAfter: now } : {}) })
      .where(eq(users.id, id));
    if (stored.email) emailOwner.delete(stored.email.toLowerCase());
    if (wanted.email) emailOwner.set(wanted.email, id);
    note("user", u.username, "update");
  }
  const userOf = (username: string | null, field: string): number | null => {
    if (username === null) return null;
    const id = userId.get(username.toLowerCase());
    if (id === undefined) throw refused(field, msg("backup.noUserNamed", { name: username }));
    return id;
  };

  // ---- named secrets
  const secretRows = new Map((await tx.select().from(secrets)).map((r) => [r.name, r]));
  for (const s of doc.secrets) {
    const stored = secretRows.get(s.name);
    const wanted = { description: s.description, ...(s.value ? { value: s.value } : {}) };
    if (!stored) {
      // Without its value the secret exists (jobs that name it stay valid) but is empty.
      const [row] = await tx
        .insert(secrets)
        .values({ name: s.name, value: "", ...wanted, updatedBy: actor.id })
        .returning();
      if (row) secretRows.set(row.name, row);
      note("secret", s.name, "create", s.value ? undefined : "noSecretValue");
    } else if (differs(stored, wanted)) {
      await tx
        .update(secrets)
        .set({ ...wanted, updatedBy: actor.id })
        .where(eq(secrets.id, stored.id));
      note("secret", s.name, "update");
    } else note("secret", s.name, "unchanged");
  }

  // ---- IP rules
  let rulesChanged = false;
  const ruleRows = new Map((await tx.select().from(ipRules)).map((r) => [`${r.list} ${r.cidr}`, r]));
  for (const [i, r] of doc.ipRules.entries()) {
    let cidr: string;
    try {
      cidr = parseRange(r.cidr).cidr;
    } catch (e) {
      if (e instanceof CidrError)
        throw refused(`ipRules[${i}].cidr`, msg("backup.badRange", { detail: e.message }));
      throw e;
    }
    const key = `${r.list} ${displayRange(cidr)}`;
    // Rules from IP_WHITELIST / IP_BLACKLIST follow this installation's environment, not the file.
    if (r.source === "env") {
      note("ipRule", key, "skip", "fromEnvironment");
      continue;
    }
    const stored = ruleRows.get(`${r.list} ${cidr}`);
    if (!stored) {
      await tx.insert(ipRules).values({
        list: r.list,
        cidr,
        note: r.note,
        source: r.source,
        createdBy: actor.id,
        createdByName: actor.name,
      });
      note("ipRule", key, "create");
      rulesChanged = true;
    } else if (stored.note !== r.note) {
      await tx.update(ipRules).set({ note: r.note }).where(eq(ipRules.id, stored.id));
      note("ipRule", key, "update");
    } else note("ipRule", key, "unchanged");
  }
  if (rulesChanged) {
    if (callerIp) {
      const rows = await tx.select({ list: ipRules.list, cidr: ipRules.cidr }).from(ipRules);
      const d = decide(compileRules(rows), callerIp);
      if (!d.allowed)
        throw new DomainError(
          "PRECONDITION_FAILED",
          msg("ipLockout", {
            ip: callerIp,
            why: d.reason,
            range: d.reason === "denied" ? displayRange(d.rule) : "",
          }),
          "ipRules",
        );
    }
    await bumpVersion(tx);
  }

  // ---- tokens: described, never restored (only their hash was ever kept)
  for (const t of doc.tokens) note("token", t.name, "skip", "tokenNotRestored");

  // ---- scripts
  const scriptKey = (name: string, version: number) => `${name}\u0000${version}`;
  const scriptColumns = {
    id: scriptVersions.id,
    name: scriptVersions.name,
    version: scriptVersions.version,
    sha256: scriptVersions.sha256,
    interpreter: scriptVersions.interpreter,
  };
  const scriptRows = new Map(
    (await tx.select(scriptColumns).from(scriptVersions)).map((r) => [scriptKey(r.name, r.version), r]),
  );
  const scriptIds = new Set([...scriptRows.values()].map((r) => r.id));
  for (const s of doc.scripts) {
    for (const v of s.versions) {
      const key = `${s.name} v${v.version}`;
      const wanted = {
        text: v.text,
        sha256: createHash("sha256").update(v.text).digest("hex"),
        size: Buffer.byteLength(v.text),
        interpreter: v.interpreter,
      };
      const stored = scriptRows.get(scriptKey(s.name, v.version));
      if (!stored) {
        const [row] = await tx
          .insert(scriptVersions)
          .values({
            name: s.name,
            version: v.version,
            ...wanted,
            uploadedBy: v.uploadedBy ? (userId.get(v.uploadedBy.toLowerCase()) ?? null) : null,
            createdAt: v.createdAt ? new Date(v.createdAt) : now,
          })
          .returning(scriptColumns);
        if (!row) throw new Error("script version insert returned nothing");
        scriptRows.set(scriptKey(s.name, v.version), row);
        scriptIds.add(row.id);
        note("script", key, "create");
      } else if (stored.sha256 !== wanted.sha256 || stored.interpreter !== wanted.interpreter) {
        await tx.update(scriptVersions).set(wanted).where(eq(scriptVersions.id, stored.id));
        note("script", key, "update");
      } else note("script", key, "unchanged");
    }
  }

  // ---- sites (their pull job is linked once the jobs exist)
  const siteItems = new Map<string, BackupItem>();
  const siteRows = new Map((await tx.select().from(sites)).map((r) => [r.code, r]));
  const siteIds = new Set([...siteRows.values()].map((r) => r.id));
  const managers = new Map<number, number[]>();
  for (const r of await tx.select().from(siteUsers))
    managers.set(r.siteId, [...(managers.get(r.siteId) ?? []), r.userId]);
  for (const [i, s] of doc.sites.entries()) {
    const wanted = { name: s.name, baseUrl: s.baseUrl, timezone: s.timezone };
    let stored = siteRows.get(s.code);
    let action: BackupAction = "unchanged";
    if (!stored) {
      [stored] = await tx
        .insert(sites)
        .values({ code: s.code, ...wanted })
        .returning();
      action = "create";
    } else if (differs(stored, wanted)) {
      await tx.update(sites).set(wanted).where(eq(sites.id, stored.id));
      action = "update";
    }
    if (!stored) throw new Error("site insert returned nothing");
    siteRows.set(s.code, stored);
    siteIds.add(stored.id);
    const siteId = stored.id;
    const wantedUsers = s.users.map((u, k) => userOf(u, `sites[${i}].users[${k}]`) as number);
    const have = managers.get(siteId) ?? [];
    const missing = wantedUsers.filter((u) => !have.includes(u));
    if (missing.length) {
      await tx.insert(siteUsers).values(missing.map((userId) => ({ siteId, userId })));
      if (action === "unchanged") action = "update";
    }
    const item: BackupItem = { kind: "site", key: s.code, action };
    items.push(item);
    siteItems.set(s.code, item);
  }

  // ---- jobs: definitions first, then chains (by name) once every job exists
  const jobRows = new Map<string, JobRow>();
  for (const j of await tx.select().from(jobs)) jobRows.set(j.name, j);
  const jobItems: BackupItem[] = [];
  // New jobs go in a few multi-row inserts: a restore is mostly creations.
  const newJobs: (typeof jobs.$inferInsert)[] = [];
  let jobsChanged = false;
  for (const [n, { value, source, index: i }] of checkedJobs.entries()) {
    const field = (f: string) => `jobs[${i}].${f}`;
    const params = { ...value.params };
    if (source.script) {
      const v = scriptRows.get(scriptKey(source.script.name, source.script.version));
      if (!v)
        throw refused(
          field("script"),
          msg("backup.noScript", { name: source.script.name, version: String(source.script.version) }),
        );
      params.scriptId = v.id;
    } else if (value.mode === "script" && !scriptIds.has(Number(params.scriptId)))
      throw refused(field("params.scriptId"), msg("backup.noScriptVersion", { id: String(params.scriptId) }));
    if (source.site) {
      const site = siteRows.get(source.site);
      if (!site) throw refused(field("site"), msg("backup.noSiteNamed", { code: source.site }));
      params.siteId = site.id;
    } else if (value.mode === "site_pull" && !siteIds.has(Number(params.siteId)))
      throw refused(field("params.siteId"), msg("backup.noSiteId", { id: String(params.siteId) }));
    const before = jobRows.get(value.name);
    let unmasked: Record<string, unknown>;
    try {
      unmasked = unmaskParams(
        value.mode as JobMode,
        params,
        before?.mode === value.mode ? before.params : null,
      );
    } catch (e) {
      if (e instanceof DomainError)
        throw refused(
          field(e.field ?? "params"),
          msg("backup.secretsMasked", {
            detail: e.msg ?? msg("backup.issueText", { text: e.message }),
            mask: SECRET_MASK,
          }),
        );
      throw e;
    }
    // A job naming a secret that exists neither here nor in the file would fail at every run.
    const missing = [...secretRefs(unmasked)].filter((name) => !secretRows.has(name));
    if (missing.length)
      throw refused(field("params"), msg("backup.noSecretNamed", { names: missing.join(", ") }));
    const { onSuccessStart: _s, onFailureStart: _f, ...fields } = value;
    const wanted: Record<string, unknown> & typeof fields = { ...fields, params: unmasked };
    if (source.owner !== null) wanted.ownerId = userOf(source.owner, field("owner"));
    if (!before) {
      newJobs.push({
        ...wanted,
        ownerId: (wanted.ownerId as number | null | undefined) ?? null,
        createdAt: now,
        nextFireAt: wanted.state === "waiting" ? nextFireAfter({ ...wanted, createdAt: now }, now) : null,
      });
      jobItems[n] = { kind: "job", key: value.name, action: "create" };
      jobsChanged = true;
    } else if (differs(before, wanted)) {
      const scheduleChanged =
        before.cron !== wanted.cron || before.timezone !== wanted.timezone || before.state !== wanted.state;
      const [row] = await tx
        .update(jobs)
        .set({
          ...wanted,
          ...(scheduleChanged
            ? {
                nextFireAt:
                  wanted.state === "waiting"
                    ? nextFireAfter({ ...wanted, createdAt: before.createdAt }, now)
                    : null,
                lastFireAt: null,
              }
            : {}),
        })
        .where(eq(jobs.id, before.id))
        .returning();
      if (row) jobRows.set(row.name, row);
      jobItems[n] = { kind: "job", key: before.name, action: "update" };
      jobsChanged = true;
    } else jobItems[n] = { kind: "job", key: before.name, action: "unchanged" };
  }
  for (let k = 0; k < newJobs.length; k += 500)
    for (const row of await tx
      .insert(jobs)
      .values(newJobs.slice(k, k + 500))
      .returning())
      jobRows.set(row.name, row);
  for (const [n, { value, source, index: i }] of checkedJobs.entries()) {
    const ids = (names: string[], f: string) =>
      names.map((name, k) => {
        const row = jobRows.get(name);
        if (!row) throw refused(`jobs[${i}].${f}[${k}]`, msg("backup.noJobNamed", { name }));
        return row.id;
      });
    const chains = {
      onSuccessStart: ids(source.onSuccessStart, "onSuccessStart"),
      onFailureStart: ids(source.onFailureStart, "onFailureStart"),
    };
    const row = jobRows.get(value.name);
    if (!row || !differs(row, chains)) continue;
    await tx.update(jobs).set(chains).where(eq(jobs.id, row.id));
    const item = jobItems[n];
    if (item && item.action === "unchanged") item.action = "update";
    jobsChanged = true;
  }
  items.push(...jobItems.filter(Boolean));
  if (jobsChanged) await tx.execute(sql`select pg_notify(${JOBS_CHANNEL}, '')`);

  // ---- the sites' pull jobs
  for (const [i, s] of doc.sites.entries()) {
    const pullJobId = s.pullJob === null ? null : jobRows.get(s.pullJob)?.id;
    if (pullJobId === undefined)
      throw refused(`sites[${i}].pullJob`, msg("backup.noJobNamed", { name: String(s.pullJob) }));
    const stored = siteRows.get(s.code);
    if (!stored || stored.pullJobId === pullJobId) continue;
    await tx.update(sites).set({ pullJobId }).where(eq(sites.id, stored.id));
    const item = siteItems.get(s.code);
    if (item && item.action === "unchanged") item.action = "update";
  }

  // ---- alert mutes
  for (const [i, m] of doc.mutes.entries()) {
    const subjectId = m.subject === "job" ? jobRows.get(m.key)?.id : siteRows.get(m.key)?.id;
    if (subjectId === undefined)
      throw refused(
        `mutes[${i}].key`,
        msg("backup.noSubject", { what: `errors.what.${m.subject}`, key: m.key }),
      );
    const wanted = {
      mutedUntil: m.mutedUntil ? new Date(m.mutedUntil) : null,
      mutedUntilRecovered: m.mutedUntilRecovered,
    };
    const [stored] = await tx
      .select()
      .from(notifyState)
      .where(and(eq(notifyState.subjectKind, m.subject), eq(notifyState.subjectId, subjectId)));
    const key = `${m.subject} ${m.key}`;
    if (stored && !differs(stored, wanted)) {
      note("mute", key, "unchanged");
      continue;
    }
    await tx
      .insert(notifyState)
      .values({ subjectKind: m.subject, subjectId, ...wanted })
      .onConflictDoUpdate({ target: [notifyState.subjectKind, notifyState.subjectId], set: wanted });
    note("mute", key, stored ? "update" : "create");
  }

  // ---- webhooks and the jobs / sites they notify
  const subjectIdOf = (subject: "job" | "site", key: string) =>
    subject === "job" ? jobRows.get(key)?.id : siteRows.get(key)?.id;
  const hookRows = new Map<string, typeof webhooks.$inferSelect>();
  for (const w of await tx.select().from(webhooks)) if (!hookRows.has(w.name)) hookRows.set(w.name, w);
  for (const [i, w] of doc.webhooks.entries()) {
    const wanted = { kind: w.kind, url: w.url, locale: w.locale, ...(w.secret ? { secret: w.secret } : {}) };
    let stored = hookRows.get(w.name);
    let action: BackupAction = "unchanged";
    if (!stored) {
      [stored] = await tx
        .insert(webhooks)
        .values({ name: w.name, ...wanted })
        .returning();
      action = "create";
    } else if (differs(stored, wanted)) {
      await tx.update(webhooks).set(wanted).where(eq(webhooks.id, stored.id));
      action = "update";
    }
    if (!stored) throw new Error("webhook insert returned nothing");
    for (const [k, r] of w.routes.entries()) {
      const subjectId = subjectIdOf(r.subject, r.key);
      if (subjectId === undefined)
        throw refused(
          `webhooks[${i}].routes[${k}].key`,
          msg("backup.noSubject", { what: `errors.what.${r.subject}`, key: r.key }),
        );
      const added = await tx
        .insert(webhookRoutes)
        .values({ subjectKind: r.subject, subjectId, webhookId: stored.id })
        .onConflictDoNothing()
        .returning();
      if (added.length && action === "unchanged") action = "update";
    }
    note(
      "webhook",
      w.name,
      action,
      action === "create" && !w.secret && w.kind !== "wecom" ? "noSecretValue" : undefined,
    );
  }

  // ---- the sites' threshold rules
  const alertRuleRows = new Map(
    (await tx.select().from(alertRules)).map((r) => [`${r.siteId} ${r.name}`, r]),
  );
  for (const [i, r] of doc.alertRules.entries()) {
    const site = siteRows.get(r.site);
    if (!site) throw refused(`alertRules[${i}].site`, msg("backup.noSiteNamed", { code: r.site }));
    const wanted = {
      kind: r.kind,
      threshold: r.threshold,
      counter: r.counter,
      forMinutes: r.forMinutes,
      isEnabled: r.isEnabled,
    };
    const stored = alertRuleRows.get(`${site.id} ${r.name}`);
    const key = `${r.site} ${r.name}`;
    if (!stored) {
      await tx.insert(alertRules).values({ siteId: site.id, name: r.name, ...wanted });
      note("alertRule", key, "create");
    } else if (differs(stored, wanted)) {
      await tx.update(alertRules).set(wanted).where(eq(alertRules.id, stored.id));
      note("alertRule", key, "update");
    } else note("alertRule", key, "unchanged");
  }

  const counts: Record<BackupAction, number> = { create: 0, update: 0, unchanged: 0, skip: 0 };
  for (const it of items) counts[it.action]++;
  return {
    dryRun: false,
    schemaVersion: BACKUP_SCHEMA_VERSION,
    upgradedFrom: from < BACKUP_SCHEMA_VERSION ? from : null,
    items,
    counts,
  };
}
