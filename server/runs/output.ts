import type { LogStream } from "../lib/enums";
import type { RunOutput } from "./executor";

export type LogChunk = { run_id: number; seq: number; stream: LogStream; data: string };

const FLUSH_EVERY_MS = 200;
const FLUSH_AT_BYTES = 64 * 1024;

/**
 * A run's output on its way to the run_logs table: coalesced into chunks (flushed every
 * 200 ms while running, so the UI can tail it), and capped — past the cap bytes are counted,
 * not stored, and one marker line says so.
 */
export class RunOutputBuffer implements RunOutput {
  private seq = 0;
  private stored = 0;
  private total = 0;
  private pendingBytes = 0;
  private pending: { stream: LogStream; data: string }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly runId: number,
    private readonly cap: number,
    private readonly sink: (chunks: LogChunk[]) => Promise<void>,
  ) {}

  write(stream: LogStream, text: string) {
    if (!text) return;
    const bytes = Buffer.byteLength(text);
    this.total += bytes;
    if (this.stored >= this.cap) return;
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
    if (this.pendingBytes >= FLUSH_AT_BYTES) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_EVERY_MS);
  }

  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.pending.length) return this.flushing;
    const chunks = this.pending.map((p) => ({
      run_id: this.runId,
      seq: this.seq++,
      stream: p.stream,
      data: p.data,
    }));
    this.pending = [];
    this.pendingBytes = 0;
    // Chunks must land in order: each flush waits for the one before.
    this.flushing = this.flushing.then(() => this.sink(chunks));
    return this.flushing;
  }

  /** Flushes everything; adds the truncation marker if the cap was reached. */
  async close(): Promise<{ bytes: number; truncated: boolean }> {
    const truncated = this.total > this.stored;
    if (truncated) {
      this.pending.push({
        stream: "system",
        data: `\n[output truncated: ${this.stored} of ${this.total} bytes kept (RUN_OUTPUT_MAX_BYTES)]\n`,
      });
    }
    await this.flush();
    return { bytes: this.total, truncated };
  }
}
