import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { Batcher } from "../lib/batcher";
import type { JobMode, JobPolicy, RunStatus, RunTrigger } from "../lib/enums";
import { retryOnConflict } from "../lib/serialization";
import { thisHost } from "./orphans";
import type { LogChunk } from "./output";

/** A run as its worker starts it: the run and the job definition it executes. */
export type StartedRun = {
  id: number;
  attempt: number;
  trigger: RunTrigger;
  scheduledAt: Date;
  job: {
    id: number;
    name: string;
    mode: JobMode;
    params: unknown;
    policy: JobPolicy;
    timeoutSeconds: number | null;
    retries: number;
    retryBackoffSeconds: number;
    onSuccessStart: number[];
    onFailureStart: number[];
    notifyEmails: string[];
    ownerId: number | null;
    /** The job's alert state was failing when the run was loaded: a success must record the recovery. */
    alerting: boolean;
  };
};

/** A run seen executing; with the process group of its command once there is one. */
type Mark = { id: number; startedAt: Date; pgid?: number | undefined };

export type RunOutcome = {
  id: number;
  startedAt: Date;
  finishedAt: Date;
  status: Extract<RunStatus, "succeeded" | "failed" | "timed_out" | "cancelled" | "lost">;
  exitCode: number | null;
  httpStatus: number | null;
  error: string | null;
  result: unknown;
  outputBytes: number;
  outputTruncated: boolean;
  /** The command's process group, when its mark (markRunning) was folded into this record. */
  pgid?: number;
  /**
   * The last chunks of the run's output (RunOutputBuffer.end), stored by the same statement as
   * the record, and only if this record ends the run (else the caller stores them on its own).
   */
  logs?: LogChunk[];
};

export type StartRow = {
  id: string;
  attempt: number;
  trigger: RunTrigger;
  scheduled_ms: number;
  job_id: string;
  name: string;
  mode: JobMode;
  params: unknown;
  policy: JobPolicy;
  timeout_seconds: number | null;
  retries: number;
  retry_backoff_seconds: number;
  on_success_start: string[];
  on_failure_start: string[];
  notify_emails: string[];
  owner_id: string | null;
  alerting: boolean;
};

/**
 * Whether the run's job (alias j) is in a failing alert state, read with the run itself: a
 * success then costs no query of its own unless there is a recovery to record.
 */
export const ALERTING = sql`exists (
  select 1 from notify_state ns
  where ns.subject_kind = 'job' and ns.subject_id = j.id and ns.status = 'failing') as alerting`;

/**
 * The worker's writes to run history, each batched across all runs in flight: marking runs
 * started, appending their output, and recording how they ended (and the job's last status).
 * A few statements per event-loop turn instead of several per run.
 */
export class RunStore {
  private loads: Batcher<number, StartedRun | null>;
  private marks: Batcher<Mark, boolean>;
  private logs: Batcher<LogChunk[], undefined>;
  private finishes: Batcher<RunOutcome, boolean>;

  constructor(
    private readonly db: Db,
    private readonly workerId: string,
  ) {
    this.loads = new Batcher((ids) => this.loadMany(ids));
    this.marks = new Batcher((items) => this.markMany(items));
    this.logs = new Batcher((lists) => this.appendMany(lists));
    this.finishes = new Batcher((outcomes) => this.finishMany(outcomes));
  }

  /** A queued run and the job it executes; null when it is no longer queued (cancelled, skipped, done). */
  load(runId: number): Promise<StartedRun | null> {
    return this.loads.push(runId);
  }

  /**
   * Records that a run is executing (status, start time, worker). The engine calls this only
   * for runs still going after a quarter of a second: a quick run is written once, when
   * it ends. False when the run was cancelled (or taken) meanwhile.
   */
  markRunning(id: number, startedAt: Date, pgid?: number): Promise<boolean> {
    return this.marks.push({ id, startedAt, pgid });
  }

  async append(chunks: LogChunk[]): Promise<void> {
    if (chunks.length) await this.logs.push(chunks);
  }

  /**
   * Records the end of a run; false when it had already been ended elsewhere (e.g. as lost).
   * A mark of the same run still waiting for its statement (a quick command: its process group
   * reported, then its exit, within one busy turn) is not written on its own: its process has
   * ended, and its host and process group go into this record instead — one statement a run.
   */
  finish(outcome: RunOutcome): Promise<boolean> {
    const [mark] = this.marks.withdraw((m) => m.id === outcome.id, true);
    if (mark?.pgid !== undefined) outcome.pgid = mark.pgid;
    return this.finishes.push(outcome);
  }

  private async markMany(items: Mark[]): Promise<boolean[]> {
    const x = items.map((i) => ({
      id: i.id,
      started_at: i.startedAt.toISOString(),
      host: i.pgid === undefined ? null : thisHost(),
      pgid: i.pgid ?? null,
    }));
    // Runs only, locked in id order first (the global order, locks.ts).
    const rows = await retryOnConflict("mark runs started", () =>
      this.db.execute<{ id: string }>(sql`
        with x as (
          select * from jsonb_to_recordset(${JSON.stringify(x)}::jsonb)
            as x(id bigint, started_at timestamptz, host text, pgid int)
        ), locked as materialized (
          select id from runs
          where id in (select id from x)
            and (status = 'queued' or (status = 'running' and worker_id = ${this.workerId}))
          order by id for no key update
        )
        update runs r set status = 'running', started_at = coalesce(r.started_at, x.started_at),
               worker_id = ${this.workerId}, host = coalesce(x.host, r.host), pgid = coalesce(x.pgid, r.pgid)
        from x, locked l
        where r.id = x.id and r.id = l.id
          and (r.status = 'queued' or (r.status = 'running' and r.worker_id = ${this.workerId}))
        returning r.id`),
    );
    const ok = new Set(rows.map((r) => Number(r.id)));
    return items.map((i) => ok.has(i.id));
  }

  private async loadMany(ids: number[]): Promise<(StartedRun | null)[]> {
    const rows = await this.db.execute<StartRow>(sql`
      select r.id, r.attempt, r.trigger, (extract(epoch from r.scheduled_at) * 1000)::float8 as scheduled_ms,
        j.id as job_id, j.name, j.mode, j.params, j.policy, j.timeout_seconds, j.retries, j.retry_backoff_seconds,
        j.on_success_start, j.on_failure_start, j.notify_emails, j.owner_id, ${ALERTING}
      from runs r join jobs j on j.id = r.job_id
      where r.id = any(${sql.param(ids)}::bigint[]) and r.status = 'queued'`);
    const byId = new Map(rows.map((r) => [Number(r.id), r]));
    return ids.map((id) => {
      const r = byId.get(id);
      return r ? startedRunFromRow(r) : null;
    });
  }

  private async appendMany(lists: LogChunk[][]): Promise<undefined[]> {
    const chunks = lists.flat();
    await this.db.execute(sql`
      insert into run_logs (run_id, seq, stream, data)
      select run_id, seq, stream, data
      from jsonb_to_recordset(${JSON.stringify(chunks)}::jsonb) as x(run_id bigint, seq int, stream log_stream, data text)
      on conflict do nothing`);
    return lists.map(() => undefined);
  }

  private async finishMany(outcomes: RunOutcome[]): Promise<boolean[]> {
    const rows = outcomes.map((o) => ({
      id: o.id,
      started_at: o.startedAt.toISOString(),
      finished_at: o.finishedAt.toISOString(),
      status: o.status,
      exit_code: o.exitCode,
      http_status: o.httpStatus,
      error: o.error?.slice(0, 4000) ?? null,
      result: o.result === undefined ? null : o.result,
      output_bytes: Math.min(o.outputBytes, 2_147_483_647),
      output_truncated: o.outputTruncated,
      host: o.pgid === undefined ? null : thisHost(),
      pgid: o.pgid ?? null,
    }));
    const logs = outcomes.flatMap((o) => o.logs ?? []);
    // One statement, one round trip, no transaction block. Its run locks are taken in id order
    // (the sorted, materialised `locked`: LockRows sits above the Sort) before anything else;
    // then the jobs' last-run columns, whose rows it takes only if it can without waiting (SKIP
    // LOCKED): a statement that holds run locks never waits for a job lock, so the global order
    // (locks.ts: jobs, then runs) holds. A job another transaction holds (Stop, the claim, the
    // other batch in flight) is brought up to date by a second, job-only statement, after this
    // one has committed and let its run locks go.
    const done = await retryOnConflict("record run ends", () =>
      this.db.execute<{ id: string; job_id: string; job_done: boolean }>(sql`
        with u as (
          select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(
            id bigint, started_at timestamptz, finished_at timestamptz, status run_status, exit_code int,
            http_status smallint, error text, result jsonb, output_bytes int, output_truncated boolean,
            host text, pgid int)
        ), locked as materialized (
          select id from runs
          where id in (select id from u) and status in ('queued', 'running')
          order by id for no key update
        ), ended as (
          update runs r set status = u.status, started_at = coalesce(r.started_at, u.started_at),
                 finished_at = u.finished_at, worker_id = coalesce(r.worker_id, ${this.workerId}),
                 exit_code = u.exit_code, http_status = u.http_status, error = coalesce(u.error, r.error),
                 result = u.result, output_bytes = u.output_bytes, output_truncated = u.output_truncated,
                 host = coalesce(u.host, r.host), pgid = coalesce(u.pgid, r.pgid)
          from u, locked l where r.id = u.id and r.id = l.id and r.status in ('queued', 'running')
          returning r.id, r.job_id, r.status, r.finished_at
        ), logged as (
          -- The rows of the runs this statement ends are locked by it: their output cannot meet a
          -- deleted run here (a run ended elsewhere gets its output from the engine separately).
          insert into run_logs (run_id, seq, stream, data)
          select x.run_id, x.seq, x.stream, x.data
          from jsonb_to_recordset(${JSON.stringify(logs)}::jsonb) as x(run_id bigint, seq int, stream log_stream, data text)
          where x.run_id in (select id from ended)
          on conflict do nothing
        ), newest as (
          select distinct on (job_id) id, job_id, status, finished_at from ended order by job_id, id desc
        ), free_jobs as materialized (
          select j.id from jobs j where j.id in (select job_id from newest)
          order by j.id for no key update skip locked
        ), job_update as (
          update jobs j set last_run_id = n.id, last_run_status = n.status, last_run_at = n.finished_at
          from newest n where j.id = n.job_id and j.id in (select id from free_jobs)
            and (j.last_run_id is null or j.last_run_id <= n.id)
        )
        select e.id, e.job_id, e.job_id in (select id from free_jobs) as job_done from ended e`),
    );
    const waiting = done.filter((r) => !r.job_done).map((r) => Number(r.id));
    if (waiting.length) await this.recordLastRuns(waiting);
    const ok = new Set(done.map((r) => Number(r.id)));
    return outcomes.map((o) => ok.has(o.id));
  }

  /** The jobs' last-run columns for these ended runs: jobs only, locked in id order (waiting). */
  private async recordLastRuns(ended: number[]) {
    await retryOnConflict("record jobs' last runs", () =>
      this.db.execute(sql`
        with x as (
          select distinct on (job_id) id, job_id, status, finished_at from runs
          where id = any(${sql.param(ended)}::bigint[])
          order by job_id, id desc
        ), locked as materialized (
          select j.id from jobs j where j.id in (select job_id from x) order by j.id for no key update
        )
        update jobs j set last_run_id = x.id, last_run_status = x.status, last_run_at = x.finished_at
        from x where j.id = x.job_id and j.id in (select id from locked)
          and (j.last_run_id is null or j.last_run_id <= x.id)`),
    );
  }
}

/** A joined runs + jobs row (as selected by start and by recovery) → StartedRun. */
export function startedRunFromRow(r: StartRow): StartedRun {
  return {
    id: Number(r.id),
    attempt: r.attempt,
    trigger: r.trigger,
    scheduledAt: new Date(Number(r.scheduled_ms)),
    job: {
      id: Number(r.job_id),
      name: r.name,
      mode: r.mode,
      params: r.params,
      policy: r.policy,
      timeoutSeconds: r.timeout_seconds,
      retries: r.retries,
      retryBackoffSeconds: r.retry_backoff_seconds,
      onSuccessStart: r.on_success_start.map(Number),
      onFailureStart: r.on_failure_start.map(Number),
      notifyEmails: r.notify_emails,
      ownerId: r.owner_id === null ? null : Number(r.owner_id),
      alerting: r.alerting,
    },
  };
}
