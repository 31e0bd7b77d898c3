import "server-only";
import { readFileSync } from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import type { DbOrTx } from "./client";

export const MIGRATIONS_DIR = path.resolve(process.cwd(), "drizzle");

export function expectedMigrations(): number {
  const journal = JSON.parse(readFileSync(path.join(MIGRATIONS_DIR, "meta", "_journal.json"), "utf8")) as {
    entries: unknown[];
  };
  return journal.entries.length;
}

export async function migrationState(
  db: DbOrTx,
): Promise<{ applied: number; expected: number; current: boolean }> {
  const expected = expectedMigrations();
  const rows = await db.execute<{ n: number }>(sql`
    select case when to_regclass('drizzle.__drizzle_migrations') is null then 0
      else (select count(*)::int from drizzle.__drizzle_migrations) end as n`);
  const applied = Number(rows[0]?.n ?? 0);
  return { applied, expected, current: applied === expected };
}
