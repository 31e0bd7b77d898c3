import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import { runMigrations } from "graphile-worker";
import { log } from "../lib/log";
import { queueLogger } from "../lib/queue-logger";
import { createSql } from "./client";
import { MIGRATIONS_DIR } from "./migrate-state";

// Any fixed 64-bit number: every process that migrates takes this lock first.
const MIGRATION_LOCK = 0x6b6169726f73n;

/**
 * Brings a database to the current schema: our drizzle migrations, then graphile-worker's own.
 * Safe to call from several processes at once (advisory lock); a no-op when current.
 */
export async function migrateDatabase(url: string): Promise<{ applied: number; ms: number }> {
  const started = Date.now();
  const client = createSql(url, 1);
  try {
    await client`select pg_advisory_lock(${MIGRATION_LOCK.toString()}::bigint)`;
    const before = await appliedCount(client);
    await migrate(drizzle(client), { migrationsFolder: MIGRATIONS_DIR });
    await runMigrations({ connectionString: url, logger: queueLogger });
    const applied = (await appliedCount(client)) - before;
    await client`select pg_advisory_unlock(${MIGRATION_LOCK.toString()}::bigint)`;
    const ms = Date.now() - started;
    log("db").info({ applied, ms }, "database migrated");
    return { applied, ms };
  } finally {
    await client.end({ timeout: 5 });
  }
}

async function appliedCount(client: ReturnType<typeof createSql>): Promise<number> {
  const [row] = await client`
    select count(*)::int as n from pg_tables where schemaname = 'drizzle' and tablename = '__drizzle_migrations'`;
  if (!row?.n) return 0;
  const [c] = await client`select count(*)::int as n from drizzle.__drizzle_migrations`;
  return c?.n ?? 0;
}
