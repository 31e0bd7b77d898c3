/**
 * The installation on this machine: its data folder, pid files, log file, and a database
 * connection for the commands that work on the database directly (token, ip, migrate, …).
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { closeDb, getDb } from "../server/db/client";
import { clusterDir, type EmbeddedServer, startEmbeddedPostgres } from "../server/db/embedded";
import { migrateDatabase } from "../server/db/migrate";
import { EnvError, env, resetEnvCache } from "../server/lib/env";
import { CliError, EXIT } from "./output";

export function config() {
  try {
    return env();
  } catch (e) {
    if (e instanceof EnvError) throw new CliError(e.message, EXIT.CONFIG);
    throw e;
  }
}

export const files = () => {
  const dir = config().dataDir;
  return {
    dir,
    appPid: path.join(dir, "kairos.pid"),
    daemonPid: path.join(dir, "daemon.pid"),
    log: path.join(dir, "kairos.log"),
  };
};

export function alive(pid: number | null): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function readPid(file: string): number | null {
  try {
    const n = Number(readFileSync(file, "utf8").trim());
    return Number.isInteger(n) && n > 0 ? n : null;
  } catch {
    return null;
  }
}

/** The URL of the embedded Postgres while Kairos runs it (its postmaster.pid names the port). */
async function runningEmbeddedUrl(): Promise<string | null> {
  const e = config();
  const dir = await clusterDir(e.dataDir);
  const pidFile = path.join(dir, "postmaster.pid");
  if (!existsSync(pidFile)) return null;
  const lines = readFileSync(pidFile, "utf8").split("\n");
  if (!alive(Number(lines[0]))) return null;
  const port = Number(lines[3]);
  const creds = JSON.parse(readFileSync(path.join(e.dataDir, "embedded-pg.json"), "utf8")) as {
    user: string;
    password: string;
  };
  return `postgres://${creds.user}:${encodeURIComponent(creds.password)}@127.0.0.1:${port}/kairos`;
}

/**
 * Runs `fn` with the database: DATABASE_URL, or the embedded Postgres — the running one, or
 * started just for this command (and migrated) when Kairos is not running.
 */
export async function withDatabase<T>(fn: (db: ReturnType<typeof getDb>) => Promise<T>): Promise<T> {
  const e = config();
  let embedded: EmbeddedServer | undefined;
  if (!e.DATABASE_URL) {
    let url = await runningEmbeddedUrl();
    if (!url) {
      embedded = await startEmbeddedPostgres({
        dataDir: e.dataDir,
        preferredPort: e.KAIROS_EMBEDDED_PG_PORT,
      });
      url = embedded.url;
      await migrateDatabase(url);
    }
    process.env.DATABASE_URL = url;
    resetEnvCache();
  }
  try {
    const db = getDb();
    try {
      await db.execute(sql`select 1`);
    } catch (err) {
      throw new CliError(`cannot reach the database: ${(err as Error).message}`, EXIT.UNREACHABLE);
    }
    return await fn(db);
  } finally {
    await closeDb();
    await embedded?.stop();
  }
}

/** The database URL for `migrate` (the embedded one is started if needed). */
export async function databaseUrlForMigrate(): Promise<{ url: string; stop: () => Promise<void> }> {
  const e = config();
  if (e.DATABASE_URL) return { url: e.DATABASE_URL, stop: async () => {} };
  const running = await runningEmbeddedUrl();
  if (running) return { url: running, stop: async () => {} };
  const embedded = await startEmbeddedPostgres({
    dataDir: e.dataDir,
    preferredPort: e.KAIROS_EMBEDDED_PG_PORT,
  });
  return { url: embedded.url, stop: () => embedded.stop() };
}
