/**
 * Read models the APIs need beyond the jobs and runs modules: a job's runs with their output,
 * the audit log as the system log, state counts, the schedule, database facts, and the
 * "calibrate" operation (next fires recomputed from now).
 */
import { sql } from "drizzle-orm";
import type { DbOrTx } from "../db/client";
import { migrationState } from "../db/migrate-state";
import { displayTimeZone } from "../i18n/zone";
import { env } from "../lib/env";
import { formatLocal, dayRange as localDayRange } from "../lib/local-time";
import { outputHeadLateral } from "../runs/log";

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

/** A day (YYYY-MM-DD) in the display zone as [start, end) instants. */
export function dayRange(date: string): { from: Date; to: Date } {
  return localDayRange(date, displayTimeZone());
}

/** An instant as the seed's logs write times: "YYYY-MM-DD HH:MM:SS" in the display zone. */
export function localTime(at: Date | null): string | null {
  return at ? formatLocal(at, displayTimeZone()) : null;
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
      ${outputHeadLateral(sql`r`, LOG_OUTPUT_CAP)}
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
