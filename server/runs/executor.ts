import type { LogStream } from "../lib/enums";

/** Where an executing run writes its output: buffered, capped and stored by the run controller. */
export type RunOutput = { write(stream: LogStream, text: string): void };

export type ExecContext = {
  runId: number;
  jobId: number;
  /**
   * Aborted on timeout (reason "timeout") or on a stop request (reason "cancel"). An executor
   * must stop promptly when it fires (kill its process group, abort its request) and return.
   */
  signal: AbortSignal;
  /** Already applied by the controller through `signal`; given for executors that pass it on. */
  timeoutMs: number | null;
  out: RunOutput;
  /** A command calls this once its process group exists (recorded with the host, see orphans.ts). */
  onProcess?: (pgid: number) => void;
};

/**
 * What an executor reports. The controller decides the run's final status: aborted with
 * "timeout" → timed_out, with "cancel" → cancelled, else ok → succeeded, otherwise failed.
 */
export type ExecResult = {
  ok: boolean;
  exitCode?: number | null;
  httpStatus?: number | null;
  /** One line for people: why it failed. */
  error?: string | null;
  /** Small structured facts worth keeping (timings, return value), stored as JSON. */
  result?: unknown;
};

export type Executor<P> = (params: P, ctx: ExecContext) => Promise<ExecResult>;
