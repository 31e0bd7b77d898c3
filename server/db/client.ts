import "server-only";
import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import postgres, { type Sql } from "postgres";
import { env } from "../lib/env";
import * as schema from "./schema";

export type Db = PostgresJsDatabase<typeof schema> & { $client: Sql };
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
/** A database handle or an open transaction: domain functions accept either. */
export type DbOrTx = Db | Tx;

type Holder = { url: string; sql: Sql; db: Db };
// Kept on globalThis so Next's dev reloads do not open a new pool per edit.
const g = globalThis as typeof globalThis & { __kairosDb?: Holder };

export function databaseUrl(): string {
  const url = env().DATABASE_URL ?? process.env.DATABASE_URL;
  if (!url) {
    throw new Error("DATABASE_URL is not set: start Kairos with `npm start` (embedded Postgres) or set it");
  }
  return url;
}

export function createSql(url: string, max = 10): Sql {
  return postgres(url, {
    max,
    onnotice: () => {},
    idle_timeout: 60,
    connection: { application_name: process.env.KAIROS_PROCESS ?? "kairos" },
  });
}

export function getDb(): Db {
  const url = databaseUrl();
  if (g.__kairosDb?.url === url) return g.__kairosDb.db;
  const sql = createSql(url, env().DB_POOL_MAX);
  const db = drizzle(sql, { schema }) as Db;
  g.__kairosDb = { url, sql, db };
  return db;
}

export function getSql(): Sql {
  return getDb().$client;
}

export async function closeDb() {
  const h = g.__kairosDb;
  g.__kairosDb = undefined;
  await h?.sql.end({ timeout: 5 });
}
