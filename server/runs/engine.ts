import { EventEmitter } from "node:events";
import { sql } from "drizzle-orm";
import type { Sql } from "postgres";
import type { Db } from "../db/client";
import { log } from "../lib/log";
import { Semaphore } from "../lib/semaphore";
import { enqueue } from "../queue/enqueue";
import { resolveSecrets } from "../secrets/secrets";
import { CANCEL_CHANNEL } from "./cancel";
import { PREDISPATCH_MS, RUN_TASK, RUN_TASK_ATTEMPTS, runJobKey, serialQueue } from "./create";
import type { ExecResult, Executor } from "./executor";
import { afterRun } from "./followups";
import { runCommand } from "./modes/command";
import { runFunc } from "./modes/func";
import { runHttp } from "./modes/http";
import { pickupRetries, runMailPickup } from "./modes/mail-pickup";
import {
  COMMAND_DEFAULT_TIMEOUT_SECONDS,
  type CommandParams,
  type MailPickupParams,
  SCRIPT_DEFAULT_TIMEOUT_SECONDS,
  type ScriptParams,
} from "./modes/params";
import { runScript } from "./modes/script";
import { runSitePull } from "./modes/site-pull";
import { RunOutputBuffer } from "./output";
import { redactor, secretValuesOf, streamRedactor } from "./redact";
import { type RunOutcome, RunStore, type StartedRun } from "./store";

type RunRef = { runId: number; jobId: number };
/**
 * What the engine did, as it happens: tests (and anything else in the process) await these
 * instead of polling the runs table. "run:finished" comes after the follow-ups (retry, chain,
 * notification) are queued; `started: false` is a run stopped while it waited for its slot.
 */
export type RunEngineEvents = {
  "run:held": [RunRef & { slot: Date }];
  "run:started": [RunRef & { startedAt: Date }];
  "run:finished": [RunRef & { status: RunOutcome["status"] | "cancelled"; started: boolean }];
};

/** Modes whose run is a process: bounded by the worker's process places, not its task slots. */
const PROCESS_MODES = new Set(["command", "script"]);

const EXECUTORS: Record<string, Executor<never>> = {
  http: runHttp as Executor<never>,
  command: runCommand as Executor<never>,
  func: runFunc as Executor<never>,
  script: runScript as Executor<never>,
  mail_pickup: runMailPickup as Executor<never>,
  site_pull: runSitePull as Executor<never>,
};

/** A job's own timeout wins; otherwise the mode's: the seed's 30 s for commands. */
export function timeoutMsFor(run: StartedRun): number | null {
  if (run.job.timeoutSeconds) return run.job.timeoutSeconds * 1000;
  if (run.job.mode === "command") {
    return ((run.job.params as CommandParams).timeout ?? COMMAND_DEFAULT_TIMEOUT_SECONDS) * 1000;
  }
  if (run.job.mode === "script") {
    return ((run.job.params as ScriptParams).timeout ?? SCRIPT_DEFAULT_TIMEOUT_SECONDS) * 1000;
  }
  if (run.job.mode === "mail_pickup") {
    // Its looks and the waits between them, then ten minutes to read, render and queue the mail.
    const { times, intervalSeconds } = pickupRetries(run.job.params as MailPickupParams);
    return (times - 1) * intervalSeconds * 1000 + 600_000;
  }
  if (run.job.mode === "http") return 60_000;
  if (run.job.mode === "func") return 300_000;
  if (run.job.mode === "site_pull") return 600_000;
  return null;
}

type AbortReason = "timeout" | "cancel" | "shutdown";
// Long enough that a request answered within a busy second is written once, not twice (issue 9).
const MARK_RUNNING_AFTER_MS = 250;
/** Never hold a slot for long waiting for a slot time (clock trouble): a bound, not a schedule. */
const MAX_EARLY_WAIT_MS = 2_000;

/**
 * Executes runs on one worker: marks them started, runs the mode's executor with a timeout
 * and a stop signal, stores the output, records the end, then retries / chains / notifies.
 * Stop requests arrive by LISTEN (NOTIFY from cancelActiveRuns) with a polling fallback.
 */
export class RunEngine {
  readonly store: RunStore;
  readonly events = new EventEmitter<RunEngineEvents>();
  private readonly active = new Map<number, AbortController>();
  private unlisten: (() => Promise<void>) | undefined;
  private poll: NodeJS.Timeout | undefined;
  private readonly l = log("runs");
  private readonly processes: Semaphore;

  constructor(
    private readonly db: Db,
    private readonly listener: Sql,
    readonly workerId: string,
    private readonly outputCap: number,
    processConcurrency = 64,
  ) {
    this.store = new RunStore(db, workerId);
    this.processes = new Semaphore(processConcurrency);
  }

  async start() {
    const sub = await this.listener.listen(CANCEL_CHANNEL, (payload) => {
      for (const id of payload.split(",")) this.active.get(Number(id))?.abort("cancel");
    });
    this.unlisten = () => sub.unlisten();
    // If a NOTIFY was missed (connection blip), the stop request is still in the row.
    this.poll = setInterval(() => void this.pollCancels(), 3_000);
  }

  get activeCount() {
    return this.active.size;
  }

  private async pollCancels() {
    if (!this.active.size) return;
    try {
      const rows = await this.db.execute<{ id: string }>(sql`
        select id from runs where id = any(${sql.param([...this.active.keys()])}::bigint[])
        and status = 'running' and cancel_requested_at is not null`);
      for (const r of rows) this.active.get(Number(r.id))?.abort("cancel");
    } catch (err) {
      this.l.warn({ err }, "cancel poll failed");
    }
  }

  async execute(runId: number): Promise<void> {
    const run = await this.store.load(runId);
    if (!run) return; // cancelled, skipped or handled elsewhere before it started
    const ac = new AbortController();
    this.active.set(run.id, ac);
    // A scheduled fire is handed over shortly before its slot: wait for the exact instant
    // (a stop request meanwhile ends the wait, and the run never starts).
    const early = run.scheduledAt.getTime() - Date.now();
    if (early > MAX_EARLY_WAIT_MS && (run.trigger === "schedule" || run.trigger === "catch_up")) {
      // Far too early (clocks disagree?): hand it back to the queue rather than hold a slot.
      this.active.delete(run.id);
      await enqueue(
        this.db,
        RUN_TASK,
        { runId: run.id },
        {
          jobKey: runJobKey(run.id),
          runAt: new Date(run.scheduledAt.getTime() - PREDISPATCH_MS),
          maxAttempts: RUN_TASK_ATTEMPTS,
          ...(run.job.policy === "serial" ? { queueName: serialQueue(run.job.id) } : {}),
        },
      );
      return;
    }
    if (early > 0 && (run.trigger === "schedule" || run.trigger === "catch_up")) {
      this.events.emit("run:held", { runId: run.id, jobId: run.job.id, slot: run.scheduledAt });
      // Timers may fire a millisecond before the wall clock says so: wait until it does.
      while (!ac.signal.aborted && Date.now() < run.scheduledAt.getTime()) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, Math.max(1, run.scheduledAt.getTime() - Date.now()));
          ac.signal.addEventListener(
            "abort",
            () => {
              clearTimeout(t);
              resolve();
            },
            { once: true },
          );
        });
      }
      if (ac.signal.aborted) {
        this.active.delete(run.id);
        // Shutting down: fail the task so the queue hands the run to a worker that stays.
        if (ac.signal.reason === "shutdown") throw new Error(`worker ${this.workerId} shut down`);
        this.events.emit("run:finished", {
          runId: run.id,
          jobId: run.job.id,
          status: "cancelled",
          started: false,
        });
        return;
      }
    }
    // Task slots are many (most runs wait on the network); processes get a bounded number of
    // places. A run waiting for one is still queued: a stop request ends the wait.
    const release = PROCESS_MODES.has(run.job.mode) ? await this.processes.acquire(ac.signal) : () => {};
    if (!release) {
      this.active.delete(run.id);
      // Shutting down: fail the task so the queue hands the run to a worker that stays.
      if (ac.signal.reason === "shutdown") throw new Error(`worker ${this.workerId} shut down`);
      return;
    }
    const startedAt = new Date();
    this.events.emit("run:started", { runId: run.id, jobId: run.job.id, startedAt });
    const timeoutMs = timeoutMsFor(run);
    const timer = timeoutMs ? setTimeout(() => ac.abort("timeout"), timeoutMs) : undefined;
    // Most runs end within milliseconds: their record is written once, at the end. A run still
    // going after MARK_RUNNING_AFTER_MS is marked running (visible, recoverable if this worker
    // dies); if it was cancelled meanwhile, it is stopped.
    let marking: Promise<unknown> | undefined;
    const markTimer = setTimeout(() => {
      marking = this.store
        .markRunning(run.id, startedAt)
        .then((ok) => {
          if (!ok) ac.abort("cancel");
        })
        .catch((err: unknown) => this.l.warn({ err, runId: run.id }, "could not mark a run running"));
    }, MARK_RUNNING_AFTER_MS);
    const buffer = new RunOutputBuffer(run.id, this.outputCap, (chunks) => this.store.append(chunks));
    // Secret values never reach the stored output (a viewer reads it): named secrets used by
    // this run and the definition's own secret fields are replaced as they are written.
    type Stream = Parameters<RunOutputBuffer["write"]>[0];
    let redact = (text: string) => text;
    let streams = streamRedactor<Stream>([]);
    const out = {
      write: (stream: Stream, text: string) => {
        const safe = streams.write(stream, text);
        if (safe) buffer.write(stream, safe);
      },
      end: () => {
        for (const [stream, text] of streams.flush()) buffer.write(stream, text);
        return buffer.end();
      },
    };
    let result: ExecResult;
    try {
      const executor = EXECUTORS[run.job.mode];
      const resolved = await resolveSecrets(this.db, run.job.params);
      const values = [...resolved.values, ...secretValuesOf(run.job.mode, resolved.params)];
      redact = redactor(values);
      streams = streamRedactor<Stream>(values);
      result = executor
        ? await executor(resolved.params as never, {
            runId: run.id,
            jobId: run.job.id,
            signal: ac.signal,
            timeoutMs,
            out,
            // A command's process group is recorded at once (and the run marked running): if
            // this worker dies, the group must be found and ended before a retry (orphans.ts).
            onProcess: (pgid) => {
              clearTimeout(markTimer);
              marking = (marking ?? Promise.resolve())
                .then(() => this.store.markRunning(run.id, startedAt, pgid))
                .then((ok) => {
                  if (!ok) ac.abort("cancel");
                })
                .catch((err: unknown) =>
                  this.l.warn({ err, runId: run.id }, "could not record a run's process"),
                );
            },
          })
        : { ok: false, error: `${run.job.mode} jobs cannot run yet` };
    } catch (e) {
      result = { ok: false, error: e instanceof Error ? e.message : String(e) };
    } finally {
      release();
      clearTimeout(timer);
      clearTimeout(markTimer);
      this.active.delete(run.id);
    }
    // The run ended when its work did; storing the rest of its output is bookkeeping after that.
    const finishedAt = new Date();
    const reason = ac.signal.aborted ? (ac.signal.reason as AbortReason) : null;
    if (reason === "timeout") out.write("system", `\n[timed out after ${(timeoutMs ?? 0) / 1000} s]\n`);
    if (reason === "cancel") out.write("system", "\n[stopped on request]\n");
    if (reason === "shutdown") out.write("system", "\n[the worker shut down]\n");
    // Output is worth less than the run's record: if it cannot be stored, the run still ends.
    // Its last chunks (all of it, for most runs) go in the statement that records the end.
    const written = await out.end().catch((err: unknown) => {
      this.l.warn({ err, runId: run.id }, "could not store the end of a run's output");
      return { bytes: 0, truncated: false, rest: [] };
    });
    const outcome: RunOutcome = {
      id: run.id,
      startedAt,
      finishedAt,
      status:
        reason === "timeout"
          ? "timed_out"
          : reason === "cancel"
            ? "cancelled"
            : reason === "shutdown"
              ? "lost"
              : result.ok
                ? "succeeded"
                : "failed",
      exitCode: result.exitCode ?? null,
      httpStatus: result.httpStatus ?? null,
      error:
        reason === "timeout"
          ? `timed out after ${(timeoutMs ?? 0) / 1000} s`
          : reason === "shutdown"
            ? `worker ${this.workerId} shut down`
            : reason === "cancel"
              ? null
              : result.ok
                ? null
                : redact(result.error ?? "failed"),
      result: jsonSafe(result.result),
      outputBytes: written.bytes,
      outputTruncated: written.truncated,
      logs: written.rest,
    };
    // A mark not yet written is folded into the end's record (RunStore.finish); one in flight
    // is ordered with it by the run's row lock (a mark after the end changes nothing).
    const recorded = await this.persistently(`record the end of run ${run.id}`, () =>
      this.store.finish(outcome),
    );
    // Not ended by this record (ended elsewhere, e.g. as lost; or the database stayed away):
    // the output is still the run's, stored on its own.
    if (!recorded) await buffer.restore(written.rest);
    await marking;
    if (recorded) await afterRun(this.db, run, outcome);
    this.events.emit("run:finished", {
      runId: run.id,
      jobId: run.job.id,
      status: outcome.status,
      started: true,
    });
  }

  /**
   * A run must not stay "running" because the database blinked when it ended: keep trying
   * (about a minute, backing off) before giving up to the dead-worker sweep.
   */
  private async persistently<T>(what: string, fn: () => Promise<T>): Promise<T | undefined> {
    for (let attempt = 0, delay = 250; ; attempt++, delay = Math.min(delay * 2, 10_000)) {
      try {
        return await fn();
      } catch (err) {
        if (attempt >= 10) {
          this.l.error({ err }, `gave up trying to ${what}`);
          return undefined;
        }
        this.l.warn({ err: (err as Error).message, attempt }, `could not ${what}; retrying`);
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  /** On shutdown: stop what is still running; those runs end as lost (and retry by policy). */
  async stop() {
    clearInterval(this.poll);
    for (const ac of this.active.values()) ac.abort("shutdown");
    await this.unlisten?.().catch(() => {});
  }
}

/** Keeps `result` storable: JSON-serialisable and small, else a note. */
function jsonSafe(v: unknown): unknown {
  if (v === undefined) return undefined;
  try {
    const s = JSON.stringify(v);
    if (s === undefined) return undefined;
    return s.length > 64 * 1024 ? { note: `result of ${s.length} bytes not stored` } : JSON.parse(s);
  } catch {
    return { note: "result is not JSON-serialisable" };
  }
}
