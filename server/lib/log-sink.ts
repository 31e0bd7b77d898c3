import os from "node:os";
import postgres, { type Sql } from "postgres";

/** At most this many lines wait for the database (launcher before Postgres is up, an outage). */
const MAX_BUFFERED = 5_000;
const FLUSH_MS = 1_000;
const BATCH = 1_000;

/**
 * A pino destination that keeps Kairos' own log lines in the `logs` table: lines are buffered
 * and inserted in batches (one statement per second at most) over a connection of its own, so
 * logging never waits on the database and a slow database never slows a request. The JSON
 * lines are handed to Postgres as they are (jsonb_array_elements), never parsed here.
 * It never logs through pino itself (that would feed itself); trouble goes to stderr, once a
 * minute at most.
 */
export class LogSink {
  private lines: string[] = [];
  private sql: Sql | undefined;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private dropped = 0;
  private lastComplaint = 0;
  private readonly host = os.hostname();

  constructor(
    private url: string | undefined,
    private readonly svc: string,
  ) {}

  /** The launcher learns its database URL after logging started (embedded Postgres). */
  setUrl(url: string) {
    this.url = url;
  }

  write(line: string) {
    const trimmed = line.trimEnd();
    if (!trimmed.startsWith("{")) return;
    this.lines.push(trimmed);
    if (this.lines.length > MAX_BUFFERED) {
      this.lines.splice(0, this.lines.length - MAX_BUFFERED);
      this.dropped++;
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, FLUSH_MS).unref();
  }

  /** Writes what is buffered; resolves when the batch is stored (or given up on). */
  flush(): Promise<void> {
    this.flushing ??= this.drain().finally(() => {
      this.flushing = undefined;
      if (this.lines.length && this.url) this.write("");
    });
    return this.flushing;
  }

  async close() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
    await this.sql?.end({ timeout: 2 });
    this.sql = undefined;
  }

  private async drain() {
    if (!this.url) return;
    this.sql ??= postgres(this.url, {
      max: 1,
      onnotice: () => {},
      // Closed soon after the last batch, so a short-lived process (the CLI) is not kept alive by it.
      idle_timeout: 2,
      connection: { application_name: `${this.svc}-logs` },
    });
    while (this.lines.length) {
      const batch = this.lines.slice(0, BATCH);
      try {
        await insertLines(this.sql, batch, this.svc, this.host);
        this.lines.splice(0, batch.length);
      } catch (err) {
        // Kept for the next try (bounded by MAX_BUFFERED); a bad line would block forever, so a
        // batch that fails for its content is dropped.
        if ((err as { code?: string }).code === "22P02" || (err as { code?: string }).code === "22007") {
          this.lines.splice(0, batch.length);
          this.dropped += batch.length;
        }
        this.complain(err);
        return;
      }
    }
    if (this.dropped) {
      this.complain(new Error(`${this.dropped} log lines could not be stored and were dropped`));
      this.dropped = 0;
    }
  }

  private complain(err: unknown) {
    if (Date.now() - this.lastComplaint < 60_000) return;
    this.lastComplaint = Date.now();
    process.stderr.write(`kairos: could not store log lines: ${(err as Error).message}\n`);
  }
}

/** pino writes `time` as an ISO string (JSON mode) or epoch ms (pretty mode). */
export async function insertLines(sql: Sql, lines: string[], svc: string, host: string) {
  await sql`
    insert into logs (at, level, svc, component, msg, pid, host, run_id, job_id, req_id, record)
    select case when jsonb_typeof(r->'time') = 'number' then to_timestamp((r->>'time')::float8 / 1000)
                else coalesce((r->>'time')::timestamptz, now()) end,
           coalesce((r->>'level')::int, 30),
           coalesce(r->>'svc', ${svc}),
           r->>'component',
           coalesce(r->>'msg', ''),
           (r->>'pid')::int,
           coalesce(r->>'hostname', ${host}),
           case when r->>'runId' ~ '^[0-9]{1,15}$' then (r->>'runId')::bigint end,
           case when r->>'jobId' ~ '^[0-9]{1,15}$' then (r->>'jobId')::bigint end,
           r->>'reqId',
           r
    from jsonb_array_elements((${`[${lines.join(",")}]`})::text::jsonb) as r`;
}

const g = globalThis as typeof globalThis & { __kairosLogSink?: LogSink };

/**
 * One sink per process, shared by every copy of the logging module (Next bundles its own copy
 * beside the one scripts/web.ts loads). Off in tests and when LOG_STORE=0.
 */
export function processLogSink(): LogSink | undefined {
  if (process.env.LOG_STORE === "0" || process.env.NODE_ENV === "test") return undefined;
  g.__kairosLogSink ??= new LogSink(process.env.DATABASE_URL, serviceName());
  return g.__kairosLogSink;
}

/** The process as the logs page names it: web, worker, or the launcher (`npm start`, the CLI). */
export function serviceName(): string {
  const p = process.env.KAIROS_PROCESS ?? "kairos";
  return p === "kairos" ? "launcher" : p;
}
