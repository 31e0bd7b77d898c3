/**
 * Read models the APIs need beyond the jobs and runs modules: a job's runs with their output,
 * the audit log as the system log, state counts, the schedule, database facts, and the
 * "calibrate" operation (next fires recomputed from now).
 */
import { sql } from "drizzle-orm";
import { type Actor, audit } from "../audit";
import type { Db, DbOrTx } from "../db/client";
import { migrationState } from "../db/migrate-state";
import { displayTimeZone } from "../i18n/zone";
import { JOBS_CHANNEL, nextFireAfter } from "../jobs/jobs";
import { env } from "../lib/env";

/** Output kept per run in a listing; the whole output is at /api/v1/runs/{id}/log. */
export const LOG_OUTPUT_CAP = 64 * 1024;

export type RunWithOutput = {
  id: number;
  jobId: number;
  jobName: string;
  trigger: string;
  status: string;
  attempt: number;
  scheduledAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  exitCode: number | null;
  httpStatus: number | null;
  error: string | null;
  output: string;
  outputBytes: number;
  outputTruncated: boolean;
};

function zoneOffsetMs(at: Date, timeZone: string): number {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    })
      .formatToParts(at)
      .map((x) => [x.type, Number(x.value)]),
  ) as Record<string, number>;
  const wall = Date.UTC(p.year ?? 0, (p.month ?? 1) - 1, p.day, p.hour, p.minute, p.second);
  return wall - Math.floor(at.getTime() / 1000) * 1000;
}

/** Local midnight of a day in a zone, as an instant (two passes settle DST days). */
function localMidnight(date: string, timeZone: string): Date {
  const wall = Date.parse(`${date}T00:00:00Z`);
  const guess = wall - zoneOffsetMs(new Date(wall), timeZone);
  return new Date(wall - zoneOffsetMs(new Date(guess), timeZone));
}

/** A day (YYYY-MM-DD) in the display zone as [start, end) instants. */
export function dayRange(date: string): { from: Date; to: Date } {
  const tz = displayTimeZone();
  const next = new Date(Date.parse(`${date}T00:00:00Z`) + 86400_000).toISOString().slice(0, 10);
  return { from: localMidnight(date, tz), to: localMidnight(next, tz) };
}

/** An instant as the seed's logs write times: "YYYY-MM-DD HH:MM:SS" in the display zone. */
export function localTime(at: Date | null): string | null {
  if (!at) return null;
  return new Intl.DateTimeFormat("sv-SE", {
    timeZone: displayTimeZone(),
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).format(at);
}

export async function jobRunsWithOutput(
  db: DbOrTx,
  o: { jobId: number; page: number; size: number; date?: string; order: "asc" | "desc" },
): Promise<{ items: RunWithOutput[]; total: number }> {
  const range = o.date ? dayRange(o.date) : null;
  const where = sql`r.job_id = ${o.jobId} ${
    range
      ? sql`and r.scheduled_at >= ${range.from.toISOString()} and r.scheduled_at < ${range.to.toISOString()}`
      : sql``
  }`;
  const order = o.order === "asc" ? sql`r.id asc` : sql`r.id desc`;
  const [rows, [total]] = await Promise.all([
    db.execute<{
      id: string;
      job_id: string;
      job_name: string;
      trigger: string;
      status: string;
      attempt: number;
      scheduled_at: string;
      started_at: string | null;
      finished_at: string | null;
      exit_code: number | null;
      http_status: number | null;
      error: string | null;
      output_bytes: number;
      output_truncated: boolean;
      output: string | null;
      output_len: number | null;
    }>(sql`
      select r.id, r.job_id, j.name as job_name, r.trigger, r.status, r.attempt, r.scheduled_at, r.started_at,
             r.finished_at, r.exit_code, r.http_status, r.error, r.output_bytes, r.output_truncated,
             o.output, o.output_len
      from runs r
      join jobs j on j.id = r.job_id
      left join lateral (
        select left(string_agg(l.data, '' order by l.seq), ${LOG_OUTPUT_CAP}) as output,
               sum(length(l.data))::int as output_len
        from run_logs l where l.run_id = r.id
      ) o on true
      where ${where}
      order by ${order}
      limit ${o.size} offset ${(o.page - 1) * o.size}`),
    db.execute<{ n: number }>(sql`select count(*)::int as n from runs r where ${where}`),
  ]);
  const date = (v: string | null) => (v ? new Date(v) : null);
  return {
    total: Number(total?.n ?? 0),
    items: rows.map((r) => ({
      id: Number(r.id),
      jobId: Number(r.job_id),
      jobName: r.job_name,
      trigger: r.trigger,
      status: r.status,
      attempt: r.attempt,
      scheduledAt: new Date(r.scheduled_at),
      startedAt: date(r.started_at),
      finishedAt: date(r.finished_at),
      exitCode: r.exit_code,
      httpStatus: r.http_status,
      error: r.error,
      output: r.output ?? "",
      outputBytes: r.output_bytes,
      outputTruncated: r.output_truncated || (r.output_len ?? 0) > LOG_OUTPUT_CAP,
    })),
  };
}

export async function auditPage(db: DbOrTx, o: { page: number; size: number; date?: string }) {
  const range = o.date ? dayRange(o.date) : null;
  const where = range
    ? sql`where created_at >= ${range.from.toISOString()} and created_at < ${range.to.toISOString()}`
    : sql``;
  const [rows, [total]] = await Promise.all([
    db.execute<{
      id: string;
      actor_name: string;
      action: string;
      entity_type: string;
      entity_id: string | null;
      ip: string | null;
      at: string;
      after: unknown;
    }>(sql`
      select id, actor_name, action, entity_type, entity_id, ip, created_at as at, after from audit_log ${where}
      order by id desc limit ${o.size} offset ${(o.page - 1) * o.size}`),
    db.execute<{ n: number }>(sql`select count(*)::int as n from audit_log ${where}`),
  ]);
  return { rows: [...rows], total: Number(total?.n ?? 0) };
}

export async function jobStateCounts(db: DbOrTx) {
  const [row] = await db.execute<{ total: number; running: number; waiting: number; stopped: number }>(sql`
    select count(*)::int as total,
           count(*) filter (where a.active)::int as running,
           count(*) filter (where j.state = 'waiting' and not a.active)::int as waiting,
           count(*) filter (where j.state = 'stopped' and not a.active)::int as stopped
    from jobs j
    cross join lateral (
      select exists (select 1 from runs r where r.job_id = j.id and r.status in ('queued', 'running')) as active
    ) a`);
  return {
    total: row?.total ?? 0,
    running: row?.running ?? 0,
    waiting: row?.waiting ?? 0,
    stopped: row?.stopped ?? 0,
  };
}

/** Scheduled jobs (state waiting), soonest first. */
export async function scheduledJobs(db: DbOrTx, o: { page: number; size: number }) {
  const [rows, [total]] = await Promise.all([
    db.execute<{ id: string }>(sql`
      select id from jobs where state = 'waiting'
      order by next_fire_at asc nulls last, id limit ${o.size} offset ${(o.page - 1) * o.size}`),
    db.execute<{ n: number }>(sql`select count(*)::int as n from jobs where state = 'waiting'`),
  ]);
  return { ids: rows.map((r) => Number(r.id)), total: Number(total?.n ?? 0) };
}

/**
 * TimerJobs /jobs/checkJob ("calibrate"): every scheduled job's next fire is computed again
 * from now, and the schedulers are woken. Fires missed while nothing ran are dropped, not
 * caught up.
 */
export async function recomputeNextFires(db: Db, actor: Actor) {
  return db.transaction(async (tx) => {
    const rows = await tx.execute<{
      id: string;
      cron: string;
      timezone: string;
      next_fire_at: string | null;
    }>(sql`select id, cron, timezone, next_fire_at from jobs where state = 'waiting' order by id for update`);
    const now = new Date();
    const changed: { id: number; before: string | null; after: string | null }[] = [];
    for (const r of rows) {
      let next: Date | null = null;
      try {
        next = nextFireAfter({ cron: r.cron, timezone: r.timezone }, now);
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
    await tx.execute(sql`select pg_notify(${JOBS_CHANNEL}, '')`);
    await audit(tx, actor, "scheduler.calibrate", "scheduler", null, {
      after: { checked: rows.length, changed: changed.length },
    });
    return { checked: rows.length, changed };
  });
}

export async function databaseInfo(db: DbOrTx) {
  const [info] = await db.execute<{
    version: string;
    server_version: string;
    database: string;
    size_bytes: string;
    size: string;
    started_at: string;
    max_connections: string;
  }>(sql`
    select version() as version, current_setting('server_version') as server_version,
           current_database() as database, pg_database_size(current_database())::text as size_bytes,
           pg_size_pretty(pg_database_size(current_database())) as size,
           pg_postmaster_start_time() as started_at, current_setting('max_connections') as max_connections`);
  const tables = await db.execute<{
    name: string;
    rows_estimate: string;
    size_bytes: string;
    size: string;
  }>(sql`
    select c.relname as name, greatest(c.reltuples, 0)::bigint::text as rows_estimate,
           pg_total_relation_size(c.oid)::text as size_bytes, pg_size_pretty(pg_total_relation_size(c.oid)) as size
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind = 'r'
    order by pg_total_relation_size(c.oid) desc`);
  const [exact] = await db.execute<Record<string, number>>(sql`
    select (select count(*)::int from jobs) as jobs, (select count(*)::int from users) as users,
           (select count(*)::int from api_tokens) as api_tokens, (select count(*)::int from ip_rules) as ip_rules`);
  const connections = await db.execute<{ application: string; state: string | null; n: number }>(sql`
    select coalesce(nullif(application_name, ''), '(none)') as application, state, count(*)::int as n
    from pg_stat_activity where datname = current_database()
    group by 1, 2 order by 1, 2`);
  return {
    type: "postgresql",
    server_version: info?.server_version ?? "",
    version: info?.version ?? "",
    database: info?.database ?? "",
    size_bytes: Number(info?.size_bytes ?? 0),
    size: info?.size ?? "",
    started_at: info?.started_at ? new Date(info.started_at).toISOString() : null,
    max_connections: Number(info?.max_connections ?? 0),
    tables: tables.map((t) => ({
      name: t.name,
      rows: exact?.[t.name] ?? Number(t.rows_estimate),
      rows_exact: exact?.[t.name] !== undefined,
      size_bytes: Number(t.size_bytes),
      size: t.size,
    })),
    pool: {
      max_per_process: env().DB_POOL_MAX,
      connections: connections.map((c) => ({ application: c.application, state: c.state, count: c.n })),
    },
    migrations: await migrationState(db),
  };
}
