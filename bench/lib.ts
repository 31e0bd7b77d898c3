import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { type EmbeddedServer, freePort, startEmbeddedPostgres } from "../server/db/embedded";
import { migrateDatabase } from "../server/db/migrate";

export type BenchDb = { url: string; close: () => Promise<void> };

/**
 * What must not outlive a benchmark (its embedded Postgres above all: it runs in its own
 * process group, so neither Ctrl-C nor the bench's exit reaches it). Each bench's own
 * teardown runs these on success; `runBenchCleanups` runs what is left on an error, SIGINT or
 * SIGTERM, and on exit whatever can still be done synchronously (signalling the processes).
 */
type Cleanup = { run: () => Promise<void>; onExit?: () => void };
const cleanups = new Set<Cleanup>();

export function atBenchExit(run: () => Promise<void>, onExit?: () => void): () => void {
  const c: Cleanup = { run, ...(onExit ? { onExit } : {}) };
  cleanups.add(c);
  return () => cleanups.delete(c);
}

let cleaning: Promise<void> | undefined;
/**
 * Newest first (a worker before the database it uses), errors logged. Called twice (a SIGINT,
 * then the error it causes in the bench), both callers wait for the same, single pass.
 */
export function runBenchCleanups(): Promise<void> {
  cleaning ??= (async () => {
    for (const c of [...cleanups].reverse()) {
      cleanups.delete(c);
      await c.run().catch((e: unknown) => console.error("bench cleanup failed:", e));
    }
  })();
  return cleaning;
}

let hooked = false;
function hookSignals() {
  if (hooked) return;
  hooked = true;
  for (const [signal, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping the benchmark's processes and database`);
      void runBenchCleanups().finally(() => process.exit(code));
    });
  }
  // process.exit() without the cleanups (a bench that exits early): signal what can be.
  process.once("exit", () => {
    for (const c of cleanups) c.onExit?.();
  });
}

/**
 * A fresh, migrated database for one benchmark: on TEST_DATABASE_URL / DATABASE_URL's server
 * when set, else on an embedded Postgres in a temp folder. Dropped afterwards.
 */
export async function benchDatabase(): Promise<BenchDb> {
  hookSignals();
  let embedded: EmbeddedServer | undefined;
  let dir: string | undefined;
  let admin: postgres.Sql | undefined;
  const name = `kairos_bench_${Date.now().toString(36)}`;
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      unregister();
      try {
        await admin?.unsafe(`drop database if exists "${name}" with (force)`);
        await admin?.end({ timeout: 5 });
      } finally {
        await embedded?.stop();
        if (dir) rmSync(dir, { recursive: true, force: true });
      }
    })();
    return closing;
  };
  const unregister = atBenchExit(close, () => embedded?.kill());
  let server = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
  if (!server) {
    dir = mkdtempSync(path.join(os.tmpdir(), "kairos-bench-"));
    chmodSync(dir, 0o755);
    embedded = await startEmbeddedPostgres({
      dataDir: dir,
      preferredPort: await freePort(),
      database: "postgres",
    });
    // Kairos' own role may not create databases; the bench makes its own.
    server = embedded.superuserUrl;
  }
  admin = postgres(server, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  await migrateDatabase(url.toString());
  return { url: url.toString(), close };
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] as number;
}

export function summarize(values: number[]) {
  const s = [...values].sort((a, b) => a - b);
  return {
    n: s.length,
    p50: round(percentile(s, 50)),
    p95: round(percentile(s, 95)),
    p99: round(percentile(s, 99)),
    max: round(s[s.length - 1] ?? Number.NaN),
  };
}

export const round = (v: number, digits = 2) => Math.round(v * 10 ** digits) / 10 ** digits;
export const ratio = (a: number, b: number) => round(a / b, 3);

/** Prints the figures as a table for people, then one JSON line for machines (always last). */
export function report(name: string, rows: [string, string | number][], json: Record<string, unknown>) {
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(`\n== ${name} ==`);
  for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
  console.log(
    JSON.stringify({ bench: name, at: new Date().toISOString(), cores: os.cpus().length, ...json }),
  );
}

export function quietEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, LOG_LEVEL: "warn", LOG_PRETTY: "0", NODE_ENV: "production", ...extra };
}
