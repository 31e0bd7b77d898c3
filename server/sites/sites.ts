/**
 * Sites, their people and their data, read through one scope: an admin sees every site, anyone
 * else the sites assigned to them (seed: 一个用户可以管理多个局点). Every read of site data
 * goes through `siteScope()` / `visibleSite()`; a site outside the scope is "not found", the
 * same answer as a site that does not exist, so ids cannot be probed.
 */
import { createHash, randomBytes } from "node:crypto";
import { and, count, desc, eq, ilike, inArray, isNotNull, isNull, or, type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import { type Actor, audit } from "../audit";
import { cronRefusal } from "../cron/cron";
import { ZTimeZone } from "../cron/zone-schema";
import type { Db, DbOrTx } from "../db/client";
import { alarms, jobs, siteBadLines, siteFiles, sites, siteUsers, users } from "../db/schema";
import { issueParamsOf, msg, zodText } from "../i18n/errors";
import type { Locale } from "../i18n/locale";
import { jobInputOf } from "../jobs/input";
import { createJob, deleteJob, getJob, runJobNow, updateJob } from "../jobs/jobs";
import type { Role } from "../lib/enums";
import { env } from "../lib/env";
import { DomainError, notFound, uniqueViolation } from "../lib/errors";
import { withoutDefaults } from "../lib/validation";
import { forgetSubject } from "../notify/forget";
import { storedReasonText } from "./bad-lines";

/** Who is reading: a user (or a token acting for one), with their role. */
export type SiteViewer = { id: number | null; role?: Role | null };

/** A server with no sample for this long counts as stale on the site list. */
export const STALE_AFTER_MS = 15 * 60_000;

/** The one condition every site query applies (on `sites.id`). */
export function siteScope(viewer: SiteViewer): SQL {
  if (viewer.role === "admin") return sql`true`;
  if (viewer.id === null) return sql`false`;
  return sql`${sites.id} in (select ${siteUsers.siteId} from ${siteUsers} where ${siteUsers.userId} = ${viewer.id})`;
}

/** The site if the viewer may see it, else NOT_FOUND (whether or not it exists). */
export async function visibleSite(db: DbOrTx, viewer: SiteViewer, siteId: number) {
  const [row] = await db
    .select()
    .from(sites)
    .where(and(eq(sites.id, siteId), siteScope(viewer)));
  if (!row) throw notFound("site", siteId);
  return row;
}

// ---- inputs --------------------------------------------------------------------------------

export const ZSiteId = z.object({ id: z.number().int().positive() });

const ZSiteFields = z.object({
  code: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, zodText("siteCode")),
  name: z.string().trim().min(1, "required").max(200),
  baseUrl: z
    .url({ protocol: /^https?$/, error: "an http(s) URL" })
    .max(2000)
    .nullable()
    .default(null),
  timezone: ZTimeZone,
  /** The pull job's schedule (5 or 6 fields); default every 5 minutes. */
  pullCron: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .superRefine((cron, ctx) => {
      const refusal = cronRefusal(cron, "UTC");
      if (refusal)
        ctx.addIssue({ code: "custom", message: refusal.message, params: issueParamsOf(refusal.msg) });
    })
    // Outside the check, so the API's partial edit (no defaults) keeps the check.
    .default("*/5 * * * *"),
  /** Seconds; null (or absent) follows the installation's default (env). */
  alarmGroupWaitSeconds: z.number().int().min(0).max(3600).nullable().default(null),
  alarmRemindSeconds: z
    .number()
    .int()
    .min(0)
    .max(30 * 86400)
    .nullable()
    .default(null),
});
export const ZCreateSiteInput = ZSiteFields;

/** What a site's alarm timing falls back to when it has none of its own. */
export function siteAlarmDefaults() {
  return {
    groupWaitSeconds: env().SITE_ALARM_GROUP_WAIT_SECONDS,
    remindSeconds: env().SITE_ALARM_REMIND_SECONDS,
  };
}
export type CreateSiteInput = z.input<typeof ZCreateSiteInput>;

/**
 * An edit: everything but the code (the files' `site_id`: changing it would orphan the data
 * already stored under it). `userIds` replaces who manages the site.
 */
export const ZUpdateSiteInput = ZSiteFields.omit({ code: true }).extend({
  id: z.number().int().positive(),
  userIds: z.array(z.number().int().positive()).max(1000),
});
export type UpdateSiteInput = z.input<typeof ZUpdateSiteInput>;

/** PATCH /api/v1/sites/{id}: any of the edit's fields; those left out keep their stored values. */
export const ZSitePatch = withoutDefaults(ZUpdateSiteInput.omit({ id: true }))
  .partial()
  .meta({ description: "only the fields given change; the others keep their stored values" });
export type SitePatch = z.input<typeof ZSitePatch>;

export const ZListSitesInput = z.object({
  page: z.number().int().min(1).default(1),
  size: z.number().int().min(1).max(200).default(50),
  q: z.string().trim().max(200).optional(),
});
export type ListSitesInput = z.input<typeof ZListSitesInput>;

export const ZAssignInput = z.object({
  id: z.number().int().positive(),
  userIds: z.array(z.number().int().positive()).max(1000),
});

export const ZBadLinesInput = z.object({
  id: z.number().int().positive(),
  page: z.number().int().min(1).default(1),
  size: z.number().int().min(1).max(500).default(100),
  file: z.string().trim().max(200).optional(),
});

// ---- sites ---------------------------------------------------------------------------------

/**
 * A new site and its pull job (mode site_pull, "skip" so pulls of one site never overlap).
 * Whoever creates it manages it. A site without a base URL only receives pushes.
 */
export async function createSite(db: Db, actor: Actor, input: CreateSiteInput) {
  const v = ZCreateSiteInput.parse(input);
  let created: typeof sites.$inferSelect | undefined;
  try {
    [created] = await db
      .insert(sites)
      .values({
        code: v.code,
        name: v.name,
        baseUrl: v.baseUrl,
        timezone: v.timezone,
        alarmGroupWaitSeconds: v.alarmGroupWaitSeconds,
        alarmRemindSeconds: v.alarmRemindSeconds,
      })
      .returning();
  } catch (e) {
    if (uniqueViolation(e))
      throw new DomainError("CONFLICT", msg("sites.siteCodeTaken", { code: v.code }), "code");
    throw e;
  }
  if (!created) throw new Error("site insert returned nothing");
  let site = created;
  if (actor.id !== null) await db.insert(siteUsers).values({ siteId: site.id, userId: actor.id });
  if (v.baseUrl) {
    try {
      const job = await createJob(db, actor, {
        ...pullJobInput({ id: site.id, code: v.code, name: v.name, baseUrl: v.baseUrl }),
        cron: v.pullCron,
        timezone: v.timezone,
        policy: "skip",
        tags: ["sites"],
      });
      const [updated] = await db
        .update(sites)
        .set({ pullJobId: job.id })
        .where(eq(sites.id, site.id))
        .returning();
      if (updated) site = updated;
    } catch (e) {
      await db.delete(sites).where(eq(sites.id, site.id));
      if (e instanceof DomainError && e.field === "cron")
        throw new DomainError(e.code, e.msg ?? e.message, "pullCron");
      throw e;
    }
  }
  await audit(db, actor, "site.create", "site", site.id, { after: site });
  return site;
}

const pullJobInput = (site: { id: number; code: string; name: string; baseUrl: string }) => ({
  name: `site-pull ${site.code}`,
  description: `Pulls the daily files of site ${site.code} (${site.name}) from ${site.baseUrl}`,
  mode: "site_pull" as const,
  params: { siteId: site.id },
});

/** A pull job's cron error is the site form's `pullCron` field. */
function asPullCronError(e: unknown): never {
  if (e instanceof DomainError && e.field === "cron")
    throw new DomainError(e.code, e.msg ?? e.message, "pullCron");
  throw e;
}

/**
 * Edits a site: name, base URL, zone, pull schedule and its people. The pull job follows:
 * updated (schedule, zone, description) while there is a base URL, created when one is given
 * to a push-only site, deleted when it is taken away. Every user named must exist.
 */
export async function updateSite(db: Db, actor: Actor & SiteViewer, input: UpdateSiteInput) {
  const v = ZUpdateSiteInput.parse(input);
  const before = await visibleSite(db, actor, v.id);
  const userIds = [...new Set(v.userIds)];
  if (userIds.length) {
    const found = await db.select({ id: users.id }).from(users).where(inArray(users.id, userIds));
    const missing = userIds.filter((id) => !found.some((f) => f.id === id));
    if (missing.length)
      throw new DomainError("BAD_REQUEST", msg("sites.noUserIds", { ids: missing.join(", ") }), "userIds");
  }
  const beforeUsers = (
    await db.select({ id: siteUsers.userId }).from(siteUsers).where(eq(siteUsers.siteId, v.id))
  ).map((r) => r.id);
  let pullJobId = before.pullJobId;
  const named = { id: before.id, code: before.code, name: v.name, baseUrl: v.baseUrl ?? "" };
  if (v.baseUrl && pullJobId) {
    const job = await getJob(db, pullJobId);
    await updateJob(db, actor, pullJobId, {
      ...jobInputOf(job),
      ...pullJobInput(named),
      cron: v.pullCron,
      timezone: v.timezone,
      runOnSave: false,
    }).catch(asPullCronError);
  } else if (v.baseUrl) {
    const job = await createJob(db, actor, {
      ...pullJobInput(named),
      cron: v.pullCron,
      timezone: v.timezone,
      policy: "skip",
      tags: ["sites"],
    }).catch(asPullCronError);
    pullJobId = job.id;
  } else if (pullJobId) {
    await deleteJob(db, actor, pullJobId);
    pullJobId = null;
  }
  const after = await db.transaction(async (tx) => {
    const [row] = await tx
      .update(sites)
      .set({
        name: v.name,
        baseUrl: v.baseUrl,
        timezone: v.timezone,
        alarmGroupWaitSeconds: v.alarmGroupWaitSeconds,
        alarmRemindSeconds: v.alarmRemindSeconds,
        pullJobId,
        updatedAt: new Date(),
      })
      .where(eq(sites.id, v.id))
      .returning();
    await tx.delete(siteUsers).where(eq(siteUsers.siteId, v.id));
    if (userIds.length)
      await tx.insert(siteUsers).values(userIds.map((userId) => ({ siteId: v.id, userId })));
    await audit(tx, actor, "site.update", "site", v.id, {
      before: { ...before, ingestTokenHash: undefined, userIds: beforeUsers },
      after: { ...row, ingestTokenHash: undefined, pullCron: v.baseUrl ? v.pullCron : null, userIds },
    });
    return row;
  });
  if (!after) throw notFound("site", v.id);
  return after;
}

/**
 * A partial edit (the API's PATCH): the stored site with the given fields over it, through the
 * same edit as the form (its schema, scope, pull job and audit).
 */
export async function patchSite(db: Db, actor: Actor & SiteViewer, id: number, patch: SitePatch) {
  const cur = await getSite(db, actor, id);
  const given = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
  await updateSite(db, actor, {
    id,
    name: cur.name,
    baseUrl: cur.baseUrl,
    timezone: cur.timezone,
    ...(cur.pullCron ? { pullCron: cur.pullCron } : {}),
    alarmGroupWaitSeconds: cur.alarmGroupWaitSeconds,
    alarmRemindSeconds: cur.alarmRemindSeconds,
    userIds: cur.users.map((u) => u.id),
    ...given,
  });
  return getSite(db, actor, id);
}

/** Who may be assigned a site: every active user (id, username, name), for the site form. */
export async function assignableUsers(db: DbOrTx) {
  return db
    .select({ id: users.id, username: users.username, name: users.name })
    .from(users)
    .where(eq(users.isActive, true))
    .orderBy(users.username)
    .limit(1000);
}

export async function deleteSite(db: Db, actor: Actor & SiteViewer, siteId: number) {
  const site = await visibleSite(db, actor, siteId);
  if (site.pullJobId) await deleteJob(db, actor, site.pullJobId);
  await db.transaction(async (tx) => {
    await tx.delete(sites).where(eq(sites.id, siteId));
    await forgetSubject(tx, { kind: "site", id: siteId });
    await audit(tx, actor, "site.delete", "site", siteId, { before: site });
  });
}

/** Who manages a site: replaces the list. Only users who exist can be assigned. */
export async function assignSiteUsers(db: Db, actor: Actor & SiteViewer, siteId: number, userIds: number[]) {
  await visibleSite(db, actor, siteId);
  const ids = [...new Set(userIds)];
  await db.transaction(async (tx) => {
    if (ids.length) {
      const found = await tx.select({ id: users.id }).from(users).where(sql`${users.id} in ${ids}`);
      const missing = ids.filter((id) => !found.some((f) => f.id === id));
      if (missing.length)
        throw new DomainError("BAD_REQUEST", msg("sites.noUserIds", { ids: missing.join(", ") }), "userIds");
    }
    await tx.delete(siteUsers).where(eq(siteUsers.siteId, siteId));
    if (ids.length) await tx.insert(siteUsers).values(ids.map((userId) => ({ siteId, userId })));
    await audit(tx, actor, "site.assign", "site", siteId, { after: { userIds: ids } });
  });
}

/** Pull now: a run of the site's pull job, as "run now" on the job. */
export async function pullSiteNow(db: Db, actor: Actor & SiteViewer, siteId: number) {
  const site = await visibleSite(db, actor, siteId);
  if (!site.pullJobId) {
    throw new DomainError("PRECONDITION_FAILED", msg("sites.noPullJob", { code: site.code }));
  }
  return runJobNow(db, actor, site.pullJobId);
}

export const SITE_TOKEN_PREFIX = "kairos_site_";
const hashToken = (token: string) => createHash("sha256").update(token, "utf8").digest("hex");

/**
 * A new push token for a site (the old one stops working). It may only ingest into this site.
 * The token is in this answer only.
 */
export async function rotateIngestToken(db: Db, actor: Actor & SiteViewer, siteId: number) {
  await visibleSite(db, actor, siteId);
  const token = `${SITE_TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
  await db
    .update(sites)
    .set({
      ingestTokenHash: hashToken(token),
      ingestTokenPrefix: token.slice(0, SITE_TOKEN_PREFIX.length + 6),
    })
    .where(eq(sites.id, siteId));
  await audit(db, actor, "site.token", "site", siteId, {});
  return { token };
}

/** The site a push token belongs to, if `code` names that site. */
export async function siteForIngestToken(db: DbOrTx, code: string, token: string) {
  const [row] = await db
    .select()
    .from(sites)
    .where(and(eq(sites.code, code), eq(sites.ingestTokenHash, hashToken(token.trim()))));
  return row;
}

// ---- reads ---------------------------------------------------------------------------------

export type SiteHealth = {
  id: number;
  code: string;
  name: string;
  baseUrl: string | null;
  timezone: string;
  pullJobId: number | null;
  servers: number;
  reporting: number;
  stale: number;
  openAlarms: number;
  lastDataAt: Date | null;
  /** Highest busy cpu (100 − idle) and disk use (%) among the servers' latest samples. */
  worstCpu: number | null;
  worstDisk: number | null;
  badLines: number;
};

/** Per server: its latest cpu and disk figures (the samples' primary key serves both). */
const serverFigures = (staleAfter: Date) => sql`
  select sv.id, sv.site_id, sv.name, sv.ip, sv.last_sample_at,
    (sv.last_sample_at is not null and sv.last_sample_at >= ${staleAfter.toISOString()}::timestamptz) as reporting,
    (select 100 - s.v4 from samples s
      where s.server_id = sv.id and s.kind = 'cpu' and s.mount = '' order by s.at desc limit 1) as cpu,
    (select max(d.v1 * 100 / nullif(d.v2, 0)) from samples d
      where d.server_id = sv.id and d.kind = 'disk'
        and d.at = (select max(at) from samples x where x.server_id = sv.id and x.kind = 'disk')) as disk
  from servers sv`;

function siteHealthQuery(where: SQL, staleAfter: Date) {
  return sql`
    select sites.id, sites.code, sites.name, sites.base_url, sites.timezone, sites.pull_job_id,
      count(f.id)::int as servers,
      count(f.id) filter (where f.reporting)::int as reporting,
      max(f.last_sample_at) as last_data_at,
      max(f.cpu) as worst_cpu, max(f.disk) as worst_disk,
      (select count(*) from alarms a where a.site_id = sites.id and a.resumed_at is null)::int as open_alarms,
      (select count(*) from site_bad_lines b where b.site_id = sites.id)::int as bad_lines
    from sites left join (${serverFigures(staleAfter)}) f on f.site_id = sites.id
    where ${where}
    group by sites.id`;
}

type HealthRow = {
  id: string;
  code: string;
  name: string;
  base_url: string | null;
  timezone: string;
  pull_job_id: string | null;
  servers: number;
  reporting: number;
  last_data_at: string | Date | null;
  worst_cpu: number | null;
  worst_disk: number | null;
  open_alarms: number;
  bad_lines: number;
};

function toHealth(r: HealthRow): SiteHealth {
  return {
    id: Number(r.id),
    code: r.code,
    name: r.name,
    baseUrl: r.base_url,
    timezone: r.timezone,
    pullJobId: r.pull_job_id === null ? null : Number(r.pull_job_id),
    servers: r.servers,
    reporting: r.reporting,
    stale: r.servers - r.reporting,
    openAlarms: r.open_alarms,
    lastDataAt: r.last_data_at ? new Date(r.last_data_at) : null,
    worstCpu: r.worst_cpu === null ? null : Number(r.worst_cpu),
    worstDisk: r.worst_disk === null ? null : Number(r.worst_disk),
    badLines: r.bad_lines,
  };
}

export async function listSites(db: DbOrTx, viewer: SiteViewer, input: ListSitesInput, now = new Date()) {
  const o = ZListSitesInput.parse(input);
  const conds = [siteScope(viewer)];
  if (o.q) conds.push(or(ilike(sites.code, `%${o.q}%`), ilike(sites.name, `%${o.q}%`)) as SQL);
  const where = and(...conds) as SQL;
  const staleAfter = new Date(now.getTime() - STALE_AFTER_MS);
  const [rows, [total]] = await Promise.all([
    db.execute<HealthRow>(
      sql`${siteHealthQuery(where, staleAfter)} order by sites.code limit ${o.size} offset ${(o.page - 1) * o.size}`,
    ),
    db.select({ n: count() }).from(sites).where(where),
  ]);
  return { items: [...rows].map(toHealth), total: total?.n ?? 0, page: o.page, size: o.size };
}

export async function getSite(db: DbOrTx, viewer: SiteViewer, siteId: number, now = new Date()) {
  const site = await visibleSite(db, viewer, siteId);
  const staleAfter = new Date(now.getTime() - STALE_AFTER_MS);
  const [row] = await db.execute<HealthRow>(siteHealthQuery(and(eq(sites.id, siteId)) as SQL, staleAfter));
  if (!row) throw notFound("site", siteId);
  const people = await db
    .select({ id: users.id, username: users.username, name: users.name })
    .from(siteUsers)
    .innerJoin(users, eq(users.id, siteUsers.userId))
    .where(eq(siteUsers.siteId, siteId))
    .orderBy(users.username);
  const [job] = row.pull_job_id
    ? await db
        .select({ cron: jobs.cron })
        .from(jobs)
        .where(eq(jobs.id, Number(row.pull_job_id)))
    : [];
  return {
    ...toHealth(row),
    users: people,
    pullCron: job?.cron ?? null,
    alarmGroupWaitSeconds: site.alarmGroupWaitSeconds,
    alarmRemindSeconds: site.alarmRemindSeconds,
    alarmDefaults: siteAlarmDefaults(),
  };
}

export type ServerFigures = {
  id: number;
  name: string;
  ip: string;
  lastSampleAt: Date | null;
  reporting: boolean;
  cpu: number | null;
  disk: number | null;
};

export async function listServers(db: DbOrTx, viewer: SiteViewer, siteId: number, now = new Date()) {
  await visibleSite(db, viewer, siteId);
  const staleAfter = new Date(now.getTime() - STALE_AFTER_MS);
  const rows = await db.execute<{
    id: string;
    name: string;
    ip: string;
    last_sample_at: string | Date | null;
    reporting: boolean;
    cpu: number | null;
    disk: number | null;
  }>(sql`select * from (${serverFigures(staleAfter)}) f where f.site_id = ${siteId} order by f.name`);
  return [...rows].map(
    (r): ServerFigures => ({
      id: Number(r.id),
      name: r.name,
      ip: r.ip,
      lastSampleAt: r.last_sample_at ? new Date(r.last_sample_at) : null,
      reporting: r.reporting,
      cpu: r.cpu === null ? null : Number(r.cpu),
      disk: r.disk === null ? null : Number(r.disk),
    }),
  );
}

/** A site's bad lines, newest first, each reason in `locale` (rows from before codes: as stored). */
export async function listBadLines(
  db: DbOrTx,
  viewer: SiteViewer,
  input: z.input<typeof ZBadLinesInput>,
  locale: Locale = "en",
) {
  const o = ZBadLinesInput.parse(input);
  await visibleSite(db, viewer, o.id);
  const where = and(eq(siteBadLines.siteId, o.id), o.file ? eq(siteBadLines.file, o.file) : undefined);
  const [items, [total]] = await Promise.all([
    db
      .select({
        id: siteBadLines.id,
        file: siteBadLines.file,
        lineNo: siteBadLines.lineNo,
        reason: siteBadLines.reason,
        reasonCode: siteBadLines.reasonCode,
        reasonParams: siteBadLines.reasonParams,
        raw: siteBadLines.raw,
        createdAt: siteBadLines.createdAt,
      })
      .from(siteBadLines)
      .where(where)
      .orderBy(desc(siteBadLines.id))
      .limit(o.size)
      .offset((o.page - 1) * o.size),
    db.select({ n: count() }).from(siteBadLines).where(where),
  ]);
  return {
    items: items.map(({ reasonCode, reasonParams, ...b }) => ({
      ...b,
      reason: storedReasonText({ reason: b.reason, reasonCode, reasonParams }, locale),
      code: reasonCode,
      params: (reasonParams ?? null) as Record<string, string | number> | null,
    })),
    total: total?.n ?? 0,
    page: o.page,
    size: o.size,
  };
}

/** The collection status: each pulled file's offset, lines, bad lines and last pull. */
export async function listSiteFiles(db: DbOrTx, viewer: SiteViewer, siteId: number) {
  await visibleSite(db, viewer, siteId);
  return db
    .select({
      kind: siteFiles.kind,
      day: siteFiles.day,
      offset: siteFiles.offset,
      lines: siteFiles.lines,
      badLines: siteFiles.badLines,
      encoding: siteFiles.encoding,
      isComplete: siteFiles.isComplete,
      lastPullAt: siteFiles.lastPullAt,
      lastNewBytesAt: siteFiles.lastNewBytesAt,
      lastError: siteFiles.lastError,
    })
    .from(siteFiles)
    .where(eq(siteFiles.siteId, siteId))
    .orderBy(desc(siteFiles.day), siteFiles.kind)
    .limit(60);
}

export const ZListAlarmsInput = z.object({
  siteId: z.number().int().positive().optional(),
  state: z.enum(["open", "resumed", "all"]).default("open"),
  q: z.string().trim().max(200).optional(),
  page: z.number().int().min(1).default(1),
  size: z.number().int().min(1).max(200).default(50),
});
export type ListAlarmsInput = z.input<typeof ZListAlarmsInput>;

/** The sites' own alarms, newest raise first, within the viewer's sites. */
export async function listAlarms(db: DbOrTx, viewer: SiteViewer, input: ListAlarmsInput) {
  const o = ZListAlarmsInput.parse(input);
  const conds: SQL[] = [siteScope(viewer)];
  if (o.siteId) conds.push(eq(sites.id, o.siteId));
  if (o.state === "open") conds.push(isNull(alarms.resumedAt));
  if (o.state === "resumed") conds.push(isNotNull(alarms.resumedAt));
  if (o.q) {
    const like = `%${o.q}%`;
    conds.push(
      or(ilike(alarms.name, like), ilike(alarms.node, like), ilike(alarms.description, like)) as SQL,
    );
  }
  const where = and(...conds);
  const [items, [total]] = await Promise.all([
    db
      .select({
        id: alarms.id,
        siteId: sites.id,
        siteCode: sites.code,
        siteName: sites.name,
        timezone: sites.timezone,
        name: alarms.name,
        node: alarms.node,
        description: alarms.description,
        detail: alarms.detail,
        raisedAt: alarms.raisedAt,
        resumedAt: alarms.resumedAt,
        lastRecordAt: alarms.lastRecordAt,
      })
      .from(alarms)
      .innerJoin(sites, eq(sites.id, alarms.siteId))
      .where(where)
      .orderBy(desc(alarms.raisedAt), desc(alarms.id))
      .limit(o.size)
      .offset((o.page - 1) * o.size),
    db.select({ n: count() }).from(alarms).innerJoin(sites, eq(sites.id, alarms.siteId)).where(where),
  ]);
  return { items, total: total?.n ?? 0, page: o.page, size: o.size };
}

export const COUNTERS = [
  "subUsers",
  "unsubUsers",
  "totalUsers",
  "callTimes",
  "showTimes",
  "moTimes",
  "mtTimes",
] as const;
export type Counter = (typeof COUNTERS)[number];

export const ZReportInput = z.object({
  id: z.number().int().positive(),
  days: z.number().int().min(1).max(366).default(30),
});

export type ReportDay = {
  day: string;
  values: Record<Counter, number>;
  /** Change against the day before and the same day a week before (null when unknown). */
  dayOverDay: Record<Counter, number | null>;
  weekOverWeek: Record<Counter, number | null>;
};

/**
 * The site report (seed 001: 局点报表): the business counters per local day — the day's latest
 * system_service line — with day-over-day and week-over-week change, newest day first.
 */
export async function siteReport(
  db: DbOrTx,
  viewer: SiteViewer,
  input: z.input<typeof ZReportInput>,
  now = new Date(),
) {
  const o = ZReportInput.parse(input);
  const site = await visibleSite(db, viewer, o.id);
  const since = new Date(now.getTime() - (o.days + 8) * 86400_000).toISOString();
  const rows = await db.execute<Record<string, string | number>>(sql`
    select distinct on (d) to_char(at at time zone ${site.timezone}, 'YYYY-MM-DD') as d,
      sub_users, unsub_users, total_users, call_times, show_times, mo_times, mt_times
    from service_counters
    where site_id = ${site.id} and at >= ${since}::timestamptz
    order by d desc, at desc`);
  const byDay = new Map<string, Record<Counter, number>>();
  for (const r of rows) {
    byDay.set(String(r.d), {
      subUsers: Number(r.sub_users),
      unsubUsers: Number(r.unsub_users),
      totalUsers: Number(r.total_users),
      callTimes: Number(r.call_times),
      showTimes: Number(r.show_times),
      moTimes: Number(r.mo_times),
      mtTimes: Number(r.mt_times),
    });
  }
  const shift = (day: string, n: number) =>
    new Date(Date.parse(`${day}T00:00:00Z`) + n * 86400_000).toISOString().slice(0, 10);
  const change = (a: Record<Counter, number>, b: Record<Counter, number> | undefined) =>
    Object.fromEntries(
      COUNTERS.map((k) => [k, b && b[k] !== 0 ? Math.round(((a[k] - b[k]) / b[k]) * 1000) / 10 : null]),
    ) as Record<Counter, number | null>;
  const days: ReportDay[] = [...byDay.entries()].slice(0, o.days).map(([day, values]) => ({
    day,
    values,
    dayOverDay: change(values, byDay.get(shift(day, -1))),
    weekOverWeek: change(values, byDay.get(shift(day, -7))),
  }));
  return { site: { id: site.id, code: site.code, name: site.name, timezone: site.timezone }, days };
}
