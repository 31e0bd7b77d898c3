import { and, count, desc, eq, ilike, inArray, or, type SQL, sql } from "drizzle-orm";
import { type Actor, audit } from "../audit";
import { parseCron } from "../cron/cron";
import type { Db, DbOrTx } from "../db/client";
import { retryingTransaction } from "../db/retry";
import { type JobRow, jobs, runs, users } from "../db/schema";
import { readFunctionCatalog } from "../functions/catalog";
import { msg } from "../i18n/errors";
import { userTimeZone } from "../i18n/zone";
import { DomainError, notFound, uniqueViolation } from "../lib/errors";
import { forgetSubject } from "../notify/forget";
import { cancelActiveRuns } from "../runs/cancel";
import { createRuns } from "../runs/create";
import { assertSecretsExist } from "../secrets/secrets";
import { getSetting, setSetting } from "../settings";
import { formatCommandText, isTextMode, type ModeParams } from "./command-text";
import { assertCanWriteJob } from "./host-access";
import { type JobInput, type ListJobsInput, ZJobInput, ZListJobsInput } from "./schema";
import { unmaskParams } from "./secret-fields";

export const JOBS_CHANNEL = "kairos_jobs";
const PAUSED_KEY = "scheduler_paused";

export type JobView = JobRow & {
  /** waiting / stopped as stored, or running while a run is active (TimerJobs state 1). */
  displayState: "waiting" | "running" | "stopped";
  activeRuns: number;
  commandText: string;
};

/** The job's first fire after `after` (`@every` counts from the job's creation). */
export function nextFireAfter(
  job: Pick<JobRow, "cron" | "timezone" | "createdAt">,
  after: Date,
): Date | null {
  return parseCron(job.cron, job.timezone, job.createdAt).next(after);
}

/** Wakes every scheduler (they LISTEN) so a new or changed schedule is seen at once. */
async function wakeSchedulers(db: DbOrTx) {
  await db.execute(sql`select pg_notify(${JOBS_CHANNEL}, '')`);
}

function conflict(e: unknown): never {
  if (uniqueViolation(e) === "jobs_name_uq") throw new DomainError("CONFLICT", msg("jobNameTaken"), "name");
  throw e;
}

async function assertJobsExist(db: DbOrTx, ids: number[], field: string) {
  if (!ids.length) return;
  const found = await db.select({ id: jobs.id }).from(jobs).where(inArray(jobs.id, ids));
  const missing = ids.filter((id) => !found.some((f) => f.id === id));
  if (missing.length)
    throw new DomainError("BAD_REQUEST", msg("noJobIds", { ids: missing.join(", ") }), field);
}

/**
 * A func job names a function the workers have loaded (the catalog they publish). Before any
 * worker has published one, nothing is known to check against, so the name is accepted.
 */
async function assertFunctionKnown(db: DbOrTx, v: { mode: string; params: unknown }) {
  if (v.mode !== "func") return;
  const name = (v.params as { name?: string }).name ?? "";
  const catalog = await readFunctionCatalog(db);
  if (!catalog.loadedAt || catalog.functions.some((f) => f.name === name)) return;
  const known = catalog.functions.map((f) => f.name);
  throw new DomainError(
    "BAD_REQUEST",
    msg("unknownFunctionName", {
      name,
      known: known.length > 12 ? `${known.slice(0, 12).join(", ")}, …` : known.join(", "),
    }),
    "params.name",
  );
}

function toView(row: JobRow, activeRuns: number): JobView {
  return {
    ...row,
    activeRuns,
    displayState: row.state === "stopped" ? "stopped" : activeRuns > 0 ? "running" : "waiting",
    commandText: isTextMode(row.mode)
      ? formatCommandText(row.mode, row.params as ModeParams[typeof row.mode])
      : "",
  };
}

async function activeRunCounts(db: DbOrTx, ids: number[]): Promise<Map<number, number>> {
  if (!ids.length) return new Map();
  const rows = await db
    .select({ jobId: runs.jobId, n: count() })
    .from(runs)
    .where(and(inArray(runs.jobId, ids), inArray(runs.status, ["queued", "running"])))
    .groupBy(runs.jobId);
  return new Map(rows.map((r) => [r.jobId, r.n]));
}

export async function getJob(db: DbOrTx, id: number): Promise<JobView> {
  const [row] = await db.select().from(jobs).where(eq(jobs.id, id));
  if (!row) throw notFound("job", id);
  return toView(row, (await activeRunCounts(db, [id])).get(id) ?? 0);
}

/** Several jobs in the order of `ids` (those that exist), in two queries whatever their number. */
export async function getJobs(db: DbOrTx, ids: number[]): Promise<JobView[]> {
  if (!ids.length) return [];
  const [rows, counts] = await Promise.all([
    db.select().from(jobs).where(inArray(jobs.id, ids)),
    activeRunCounts(db, ids),
  ]);
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    return row ? [toView(row, counts.get(id) ?? 0)] : [];
  });
}

/**
 * A new job without a time zone gets its creator's display zone (a person, or a personal
 * token's owner), else the instance's (KAIROS_TIME_ZONE, else the server's): issue 10.
 */
export async function withCreatorZone<T>(db: DbOrTx, actor: Actor, input: T): Promise<T> {
  if (!input || typeof input !== "object" || Array.isArray(input)) return input;
  const given = (input as { timezone?: unknown }).timezone;
  if (typeof given === "string" && given.trim()) return input;
  if (given !== undefined && given !== null && typeof given !== "string") return input;
  const [owner] = actor.id
    ? await db.select({ timeZone: users.timeZone }).from(users).where(eq(users.id, actor.id))
    : [];
  return { ...input, timezone: userTimeZone(owner) };
}

export async function createJob(db: Db, actor: Actor, input: JobInput): Promise<JobView> {
  const v = ZJobInput.parse(await withCreatorZone(db, actor, input));
  assertCanWriteJob(actor, v);
  v.params = unmaskParams(v.mode, v.params, null);
  return retryingTransaction(db, "create a job", async (tx) => {
    await assertSecretsExist(tx, v.params, "params");
    await assertFunctionKnown(tx, v);
    await assertJobsExist(tx, [...v.onSuccessStart, ...v.onFailureStart], "onSuccessStart");
    const now = new Date();
    let row: JobRow | undefined;
    try {
      [row] = await tx
        .insert(jobs)
        .values({
          ...v,
          ownerId: actor.id,
          // The instant `@every` counts from is the one stored.
          createdAt: now,
          nextFireAt: v.state === "waiting" ? nextFireAfter({ ...v, createdAt: now }, now) : null,
        })
        .returning();
    } catch (e) {
      conflict(e);
    }
    if (!row) throw new Error("job insert returned nothing");
    if (v.runOnSave) {
      await createRuns(tx, [
        { jobId: row.id, policy: row.policy, trigger: "immediate", scheduledAt: now, requestedBy: actor.id },
      ]);
    }
    await wakeSchedulers(tx);
    await audit(tx, actor, "job.create", "job", row.id, { after: row });
    return toView(row, v.runOnSave ? 1 : 0);
  });
}

/** Replaces a job's definition. A changed schedule starts again from now. */
export async function updateJob(db: Db, actor: Actor, id: number, input: JobInput): Promise<JobView> {
  const v = ZJobInput.parse(input);
  assertCanWriteJob(actor, v);
  return retryingTransaction(db, "update a job", async (tx) => {
    const [before] = await tx.select().from(jobs).where(eq(jobs.id, id)).for("no key update");
    if (!before) throw notFound("job", id);
    assertCanWriteJob(actor, before);
    // Secret values a non-admin saw masked come back as the mask: they keep what is stored.
    v.params = unmaskParams(v.mode, v.params, before.mode === v.mode ? before.params : null);
    await assertSecretsExist(tx, v.params, "params");
    await assertFunctionKnown(tx, v);
    await assertJobsExist(tx, [...v.onSuccessStart, ...v.onFailureStart], "onSuccessStart");
    const now = new Date();
    const scheduleChanged =
      before.cron !== v.cron || before.timezone !== v.timezone || before.state !== v.state;
    let row: JobRow | undefined;
    try {
      [row] = await tx
        .update(jobs)
        .set({
          ...v,
          ...(scheduleChanged
            ? {
                nextFireAt:
                  v.state === "waiting" ? nextFireAfter({ ...v, createdAt: before.createdAt }, now) : null,
                lastFireAt: null,
              }
            : {}),
        })
        .where(eq(jobs.id, id))
        .returning();
    } catch (e) {
      conflict(e);
    }
    if (!row) throw notFound("job", id);
    if (v.runOnSave) {
      await createRuns(tx, [
        { jobId: id, policy: row.policy, trigger: "immediate", scheduledAt: now, requestedBy: actor.id },
      ]);
    }
    await wakeSchedulers(tx);
    await audit(tx, actor, "job.update", "job", id, { before, after: row });
    return toView(row, (await activeRunCounts(tx, [id])).get(id) ?? 0);
  });
}

export async function deleteJob(db: Db, actor: Actor, id: number): Promise<void> {
  await retryingTransaction(db, "delete a job", async (tx) => {
    const [before] = await tx.select().from(jobs).where(eq(jobs.id, id)).for("update");
    if (!before) throw notFound("job", id);
    assertCanWriteJob(actor, before);
    await cancelActiveRuns(tx, { jobIds: [id], reason: "job deleted" });
    // The cascade deletes every run of the job: lock them in id order first (locks.ts).
    await tx.execute(sql`select id from runs where job_id = ${id} order by id for update`);
    await tx.delete(jobs).where(eq(jobs.id, id));
    await forgetSubject(tx, { kind: "job", id });
    await audit(tx, actor, "job.delete", "job", id, { before });
  });
}

/** TimerJobs /jobs/stop: stop scheduling this job and cancel its active runs. */
export async function stopJob(db: Db, actor: Actor, id: number): Promise<JobView> {
  return retryingTransaction(db, "stop a job", async (tx) => {
    const [row] = await tx
      .update(jobs)
      .set({ state: "stopped", nextFireAt: null })
      .where(eq(jobs.id, id))
      .returning();
    if (!row) throw notFound("job", id);
    const { cancelled, signalled } = await cancelActiveRuns(tx, { jobIds: [id], reason: "job stopped" });
    await audit(tx, actor, "job.stop", "job", id, { after: { cancelled, signalled } });
    return toView(row, signalled.length);
  });
}

/** TimerJobs /jobs/restart: schedule the job again (waiting), counting from now. */
export async function restartJob(db: Db, actor: Actor, id: number): Promise<JobView> {
  return retryingTransaction(db, "restart a job", async (tx) => {
    const [before] = await tx.select().from(jobs).where(eq(jobs.id, id)).for("no key update");
    if (!before) throw notFound("job", id);
    const runCount = before.maxRunCount > 0 && before.runCount >= before.maxRunCount ? 0 : before.runCount;
    const [row] = await tx
      .update(jobs)
      .set({ state: "waiting", nextFireAt: nextFireAfter(before, new Date()), lastFireAt: null, runCount })
      .where(eq(jobs.id, id))
      .returning();
    if (!row) throw notFound("job", id);
    await wakeSchedulers(tx);
    await audit(tx, actor, "job.restart", "job", id);
    return toView(row, (await activeRunCounts(tx, [id])).get(id) ?? 0);
  });
}

/** Run once now, whatever the schedule (TimerJobs /jobs/run). Serial jobs still queue. */
export async function runJobNow(db: Db, actor: Actor, id: number, trigger: "manual" | "api" = "manual") {
  return retryingTransaction(db, "run a job now", async (tx) => {
    const [job] = await tx.select().from(jobs).where(eq(jobs.id, id));
    if (!job) throw notFound("job", id);
    const [run] = await createRuns(tx, [
      { jobId: id, policy: job.policy, trigger, scheduledAt: new Date(), requestedBy: actor.id },
    ]);
    await audit(tx, actor, "job.run", "job", id, { after: { runId: run?.id } });
    if (!run) throw new Error("run insert returned nothing");
    return run;
  });
}

export async function cloneJob(db: Db, actor: Actor, id: number): Promise<JobView> {
  const src = await getJob(db, id);
  let name = `${src.name} (copy)`;
  for (let i = 2; i < 100; i++) {
    const [taken] = await db.select({ id: jobs.id }).from(jobs).where(eq(jobs.name, name));
    if (!taken) break;
    name = `${src.name} (copy ${i})`;
  }
  return createJob(db, actor, {
    ...src,
    name,
    // A copy starts stopped, so it never fires twice by surprise.
    state: "stopped",
    runOnSave: false,
    params: src.params as Record<string, unknown>,
    command: undefined,
  });
}

export async function listJobs(db: DbOrTx, input: ListJobsInput) {
  const o = ZListJobsInput.parse(input);
  const conds: SQL[] = [];
  if (o.q) {
    const like = `%${o.q}%`;
    const byText = or(ilike(jobs.name, like), ilike(jobs.description, like));
    if (byText) conds.push(byText);
  }
  if (o.mode) conds.push(eq(jobs.mode, o.mode));
  if (o.tag) conds.push(sql`${o.tag} = any(${jobs.tags})`);
  const active = sql`exists (select 1 from runs r where r.job_id = ${jobs.id} and r.status in ('queued', 'running'))`;
  if (o.state === "stopped") conds.push(eq(jobs.state, "stopped"));
  if (o.state === "waiting") conds.push(and(eq(jobs.state, "waiting"), sql`not ${active}`) as SQL);
  if (o.state === "running") conds.push(and(eq(jobs.state, "waiting"), active) as SQL);
  const where = conds.length ? and(...conds) : undefined;
  const [rows, [total]] = await Promise.all([
    db
      .select()
      .from(jobs)
      .where(where)
      .orderBy(desc(jobs.id))
      .limit(o.size)
      .offset((o.page - 1) * o.size),
    db.select({ n: count() }).from(jobs).where(where),
  ]);
  const counts = await activeRunCounts(
    db,
    rows.map((r) => r.id),
  );
  return {
    items: rows.map((r) => toView(r, counts.get(r.id) ?? 0)),
    total: total?.n ?? 0,
    page: o.page,
    size: o.size,
  };
}

/** Durations of a job's recent finished runs, oldest first, for the list's sparkline. */
export async function recentDurations(db: DbOrTx, jobIds: number[], perJob = 20) {
  if (!jobIds.length) return new Map<number, { ms: number; status: string }[]>();
  const rows = await db.execute<{ job_id: string; ms: number; status: string }>(sql`
    select job_id, ms, status from (
      select r.job_id, (extract(epoch from r.finished_at - r.started_at) * 1000)::float8 as ms, r.status, r.id,
             row_number() over (partition by r.job_id order by r.id desc) as n
      from runs r
      where r.job_id = any(${sql.param(jobIds)}::bigint[]) and r.finished_at is not null and r.started_at is not null
    ) x where n <= ${perJob} order by id`);
  const out = new Map<number, { ms: number; status: string }[]>();
  for (const r of rows) {
    const id = Number(r.job_id);
    out.set(id, [...(out.get(id) ?? []), { ms: Math.round(Number(r.ms)), status: r.status }]);
  }
  return out;
}

/**
 * TimerJobs /jobs/checkJob ("calibrate"): every scheduled job's next fire is computed again
 * from now, and the schedulers are woken. Fires missed while nothing ran are dropped, not
 * caught up.
 */
export async function recomputeNextFires(db: Db, actor: Actor) {
  return retryingTransaction(db, "recompute next fires", async (tx) => {
    const rows = await tx.execute<{
      id: string;
      cron: string;
      timezone: string;
      next_fire_at: string | null;
      created_at: string;
    }>(
      sql`select id, cron, timezone, next_fire_at, created_at from jobs where state = 'waiting' order by id for update`,
    );
    const now = new Date();
    const changed: { id: number; before: string | null; after: string | null }[] = [];
    for (const r of rows) {
      let next: Date | null = null;
      try {
        next = nextFireAfter({ cron: r.cron, timezone: r.timezone, createdAt: new Date(r.created_at) }, now);
      } catch {
        next = null;
      }
      const before = r.next_fire_at ? new Date(r.next_fire_at).toISOString() : null;
      const after = next?.toISOString() ?? null;
      if (before !== after) {
        await tx.execute(
          sql`update jobs set next_fire_at = ${after}, last_fire_at = null where id = ${r.id}`,
        );
        changed.push({ id: Number(r.id), before, after });
      }
    }
    await wakeSchedulers(tx);
    await audit(tx, actor, "scheduler.calibrate", "scheduler", null, {
      after: { checked: rows.length, changed: changed.length },
    });
    return { checked: rows.length, changed };
  });
}

/** TimerJobs /jobs/stopAll and /jobs/runAll: a global pause that keeps each job's own state. */
export async function setSchedulerPaused(db: Db, actor: Actor, paused: boolean) {
  await retryingTransaction(db, "pause the scheduler", async (tx) => {
    await setSetting(tx, PAUSED_KEY, paused);
    await wakeSchedulers(tx);
    await audit(tx, actor, paused ? "scheduler.pause" : "scheduler.resume", "scheduler", null);
  });
}

export function isSchedulerPaused(db: DbOrTx): Promise<boolean> {
  return getSetting(db, PAUSED_KEY, false);
}
