import "server-only";
import { randomBytes } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import type { DbOrTx } from "../db/client";
import { settings } from "../db/schema";

/**
 * The key that signs session cookies. AUTH_SECRET wins when set; otherwise one is generated on
 * first start and kept in the database, so every web process sharing it agrees on it.
 */
export async function ensureAuthSecret(db: DbOrTx): Promise<string> {
  if (process.env.AUTH_SECRET) return process.env.AUTH_SECRET;
  const fresh = randomBytes(33).toString("base64url");
  await db
    .insert(settings)
    .values({ key: "auth_secret", value: sql`to_jsonb(${fresh}::text)` })
    .onConflictDoNothing();
  const [row] = await db
    .select({ value: settings.value })
    .from(settings)
    .where(eq(settings.key, "auth_secret"));
  const secret = row?.value;
  if (typeof secret !== "string") throw new Error("settings.auth_secret is missing or not a string");
  return secret;
}
