import type { LogStream } from "../lib/enums";
import { log } from "../lib/log";
import type { RunOutput } from "./executor";

export type LogChunk = { run_id: number; seq: number; stream: LogStream; data: string };

const FLUSH_EVERY_MS = 200;
const FLUSH_AT_BYTES = 64 * 1024;
/** While the database is away, stored output waits in memory (bounded by the cap) and is retried. */
const RETRY_MAX_MS = 5_000;
/** close() keeps trying about this long (a Postgres restart) before giving the output up. */
const CLOSE_PATIENCE_MS = 30_000;

/** Postgres' foreign_key_violation: the run (or its job) was deleted while it ran. */
const FK_VIOLATION = "23503";

function pgCode(e: unknown): string | undefined {
  const err = e as { code?: string; cause?: unknown } | undefined;
  if (typeof err?.code === "string" && /^[0-9A-Z]{5}$/.test(err.code)) return err.code;
  return err?.cause ? pgCode(err.cause) : undefined;
}

/**
 * A run's output on its way to the run_logs table: coalesced into chunks (flushed every
 * 200 ms while running, so the UI can tail it), and capped — past the cap bytes are counted,
 * not stored, and one marker line says so.
 *
 * Writing output never throws and never leaves a rejected promise behind: a database that is
 * away (restart, network) keeps the chunks for a retry; a run that no longer exists (its job
 * was deleted while it ran) has its late output dropped, with one log line.
 */
export class RunOutputBuffer implements RunOutput {
  private seq = 0;
  private stored = 0;
  private total = 0;
  private pendingBytes = 0;
  private pending: { stream: LogStream; data: string }[] = [];
  /** Numbered chunks that a failed insert left behind, sent again first (in order). */
  private unsent: LogChunk[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<boolean> = Promise.resolve(true);
  private failures = 0;
  private vanished = false;
  /** The truncation marker is in (once, whether the output ends by close() or end()). */
  private marked = false;

  constructor(
    private readonly runId: number,
    private readonly cap: number,
    private readonly sink: (chunks: LogChunk[]) => Promise<void>,
  ) {}

  write(stream: LogStream, text: string) {
    if (!text) return;
    const bytes = Buffer.byteLength(text);
    this.total += bytes;
    if (this.vanished || this.stored >= this.cap) return;
    let data = text;
    if (this.stored + bytes > this.cap) {
      data = Buffer.from(text)
        .subarray(0, this.cap - this.stored)
        .toString();
    }
    // Postgres text cannot hold NUL.
    data = data.replaceAll("\u0000", "\uFFFD");
    const size = Buffer.byteLength(data);
    this.stored += size;
    this.pendingBytes += size;
    const last = this.pending.at(-1);
    if (last && last.stream === stream) last.data += data;
    else this.pending.push({ stream, data });
    if (this.pendingBytes >= FLUSH_AT_BYTES && !this.failures) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.retryDelay());
  }

  private retryDelay() {
    return this.failures ? Math.min(FLUSH_EVERY_MS * 2 ** this.failures, RETRY_MAX_MS) : FLUSH_EVERY_MS;
  }

  /** Sends what is buffered; resolves true when everything so far is stored (never rejects). */
  flush(): Promise<boolean> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length) {
      for (const p of this.pending) {
        this.unsent.push({ run_id: this.runId, seq: this.seq++, stream: p.stream, data: p.data });
      }
      this.pending = [];
      this.pendingBytes = 0;
    }
    // Chunks must land in order: each flush waits for the one before.
    this.flushing = this.flushing.then(() => this.send());
    return this.flushing;
  }

  private async send(): Promise<boolean> {
    if (this.vanished) return true;
    if (!this.unsent.length) return true;
    const chunks = this.unsent.slice();
    try {
      await this.sink(chunks);
      this.unsent = this.unsent.slice(chunks.length);
      if (this.failures) log("runs").info({ runId: this.runId }, "run output is being stored again");
      this.failures = 0;
      return true;
    } catch (err) {
      if (pgCode(err) === FK_VIOLATION) {
        this.vanished = true;
        this.unsent = [];
        log("runs").info(
          { runId: this.runId },
          "dropping the output of a run that no longer exists (its job was deleted while it ran)",
        );
        return true;
      }
      if (!this.failures) {
        log("runs").warn(
          { runId: this.runId, err: (err as Error).message },
          "could not store run output; keeping it to retry",
        );
      }
      this.failures++;
      this.timer ??= setTimeout(() => void this.flush(), this.retryDelay());
      return false;
    }
  }

  /** Whether the run's row disappeared while it ran (its output was dropped). */
  get isVanished() {
    return this.vanished;
  }

  /**
   * Flushes everything (retrying for a while if the database is away); adds the truncation
   * marker if the cap was reached. Never rejects: output is worth less than the run's record.
   */
  async close(): Promise<{ bytes: number; truncated: boolean }> {
    const truncated = this.markTruncation();
    await this.flushAll();
    return { bytes: this.total, truncated };
  }

  /**
   * Ends the output so that its last chunks can go in the run's end record (one statement a
   * run, not two): waits for the chunks already on their way (a live tail reads them in order),
   * then hands back the rest, numbered. If an earlier write failed, or the run vanished, this is
   * close() and nothing is handed back. The caller stores `rest`, or gives it back (restore).
   * Never rejects.
   */
  async end(): Promise<{ bytes: number; truncated: boolean; rest: LogChunk[] }> {
    const truncated = this.markTruncation();
    clearTimeout(this.timer);
    this.timer = undefined;
    const sent = await this.flushing;
    if (!sent || this.failures || this.unsent.length || this.vanished) {
      await this.flushAll();
      return { bytes: this.total, truncated, rest: [] };
    }
    const rest = this.pending.map((p) => ({
      run_id: this.runId,
      seq: this.seq++,
      stream: p.stream,
      data: p.data,
    }));
    this.pending = [];
    this.pendingBytes = 0;
    return { bytes: this.total, truncated, rest };
  }

  /** Chunks from end() that the end record did not carry (the run had ended elsewhere): stored as close() would. */
  async restore(rest: LogChunk[]): Promise<void> {
    if (!rest.length) return;
    this.unsent.push(...rest);
    await this.flushAll();
  }

  private markTruncation(): boolean {
    const truncated = this.total > this.stored;
    if (truncated && !this.vanished && !this.marked) {
      this.marked = true;
      this.pending.push({
        stream: "system",
        data: `\n[output truncated: ${this.stored} of ${this.total} bytes kept (RUN_OUTPUT_MAX_BYTES)]\n`,
      });
    }
    return truncated;
  }

  private async flushAll(): Promise<void> {
    const giveUpAt = Date.now() + CLOSE_PATIENCE_MS;
    while (!(await this.flush())) {
      if (Date.now() >= giveUpAt) {
        log("runs").error(
          { runId: this.runId, chunks: this.unsent.length },
          "gave up storing the end of a run's output",
        );
        this.unsent = [];
        break;
      }
      await new Promise((r) => setTimeout(r, this.retryDelay()));
    }
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
