import { eq, sql } from "drizzle-orm";
import type { DbOrTx } from "./db/client";
import { settings } from "./db/schema";

/** Installation-wide switches kept in the database, so every process sees the same value. */
export async function getSetting<T>(db: DbOrTx, key: string, fallback: T): Promise<T> {
  const [row] = await db.select({ value: settings.value }).from(settings).where(eq(settings.key, key));
  return row ? (row.value as T) : fallback;
}

export async function setSetting(db: DbOrTx, key: string, value: unknown) {
  await db
    .insert(settings)
    .values({ key, value })
    .onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: sql`now()` } });
}
