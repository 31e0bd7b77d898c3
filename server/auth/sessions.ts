import "server-only";
import { randomUUID } from "node:crypto";
import { and, eq, lt, sql } from "drizzle-orm";
import type { DbOrTx } from "../db/client";
import { revokedSessions } from "../db/schema";
import { env } from "../lib/env";
import type { PublicUser } from "./users";

/** A new session's id, kept in its token across re-issues (Auth.js changes the jti each time). */
export const newSessionId = () => randomUUID();

/** Signing out ends the session for good: its cookie, copied or not, is refused from now on. */
export async function revokeSession(db: DbOrTx, id: string, expiresAt: Date) {
  // Auth.js re-issues a token with a later expiry each time it is used, so the expiry a row or a
  // token recorded earlier can be passed by a copy still in use: a token alive now lives at most
  // one session age from now, and the refusal is kept at least that long.
  const latest = new Date(Date.now() + env().SESSION_MAX_AGE_HOURS * 3600_000);
  const until = expiresAt > latest ? expiresAt : latest;
  await db.insert(revokedSessions).values({ id, expiresAt: until }).onConflictDoNothing();
  // Rows are only needed until the token would have expired anyway.
  await db.delete(revokedSessions).where(lt(revokedSessions.expiresAt, sql`now() - interval '1 day'`));
}

export type SessionFacts = {
  sessionId?: string;
  /** When the session was signed in (or re-issued after a password change), epoch ms. */
  issuedAtMs?: number;
};

/**
 * Whether a signed-in session still counts: the user is active, it was issued after the last
 * password change / deactivation (millisecond precision: a sign-in 0.3 s before a password
 * change is void), and it was not signed out.
 */
export async function sessionStillValid(db: DbOrTx, user: PublicUser, s: SessionFacts): Promise<boolean> {
  if (!user.isActive) return false;
  if (!s.issuedAtMs || s.issuedAtMs < user.sessionsValidAfter.getTime()) return false;
  if (!s.sessionId) return false;
  const [revoked] = await db
    .select({ id: revokedSessions.id })
    .from(revokedSessions)
    .where(and(eq(revokedSessions.id, s.sessionId)));
  return !revoked;
}
