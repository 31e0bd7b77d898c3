import "server-only";
import { and, desc, eq, gt, lt, notExists, or, sql } from "drizzle-orm";
import type { Actor } from "../audit";
import { audit } from "../audit";
import type { Db, DbOrTx } from "../db/client";
import { revokedSessions, userSessions } from "../db/schema";
import { msg } from "../i18n/errors";
import { DomainError } from "../lib/errors";
import { revokeSession } from "./sessions";
import type { PublicUser } from "./users";

/** A sign-in: the session the profile page lists (its id is the one in the token, `sid`). */
export async function recordSession(
  db: DbOrTx,
  s: { id: string; userId: number; ip: string | null; userAgent: string | null; expiresAt: Date },
) {
  await db.insert(userSessions).values({ ...s, userAgent: s.userAgent?.slice(0, 400) ?? null });
  await db.delete(userSessions).where(lt(userSessions.expiresAt, sql`now()`));
}

/**
 * A request of a valid session: its last activity, written at most once a minute, and its row
 * when it has none. A session signed in before the list existed (migration 0015) is listed from
 * its next request on, with what is known then: this request's address and browser, its token's
 * sign-in time, and an expiry no earlier than its token's (now + the longest a token lives).
 */
export async function seenSession(
  db: DbOrTx,
  s: { id: string; userId: number; ip: string | null; userAgent: string | null; signedInAt: Date },
  maxAgeMs: number,
) {
  await db
    .insert(userSessions)
    .values({
      id: s.id,
      userId: s.userId,
      ip: s.ip,
      userAgent: s.userAgent?.slice(0, 400) ?? null,
      createdAt: s.signedInAt,
      expiresAt: new Date(Date.now() + maxAgeMs),
    })
    .onConflictDoUpdate({
      target: userSessions.id,
      set: { lastSeenAt: sql`now()` },
      setWhere: lt(userSessions.lastSeenAt, sql`now() - interval '1 minute'`),
    });
}

/** The user's sessions that still count: not expired, not revoked, not voided by a password change. */
export async function listSessions(db: DbOrTx, user: PublicUser, currentId: string | undefined) {
  const rows = await db
    .select()
    .from(userSessions)
    .where(
      and(
        eq(userSessions.userId, user.id),
        gt(userSessions.expiresAt, sql`now()`),
        // The current session is re-issued after a password change (it stays valid).
        or(gt(userSessions.createdAt, user.sessionsValidAfter), eq(userSessions.id, currentId ?? "")),
        notExists(db.select().from(revokedSessions).where(eq(revokedSessions.id, userSessions.id))),
      ),
    )
    .orderBy(desc(userSessions.lastSeenAt));
  return rows.map((r) => ({
    id: r.id,
    ip: r.ip,
    userAgent: r.userAgent,
    createdAt: r.createdAt,
    lastSeenAt: r.lastSeenAt,
    isCurrent: r.id === currentId,
  }));
}

/** Ends one of the user's own sessions: its cookie is refused from its next request. */
export async function revokeOwnSession(db: Db, actor: Actor, userId: number, id: string) {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .delete(userSessions)
      .where(and(eq(userSessions.id, id), eq(userSessions.userId, userId)))
      .returning();
    if (!row) throw new DomainError("NOT_FOUND", msg("sessionNotFound"));
    await revokeSession(tx, id, row.expiresAt);
    await audit(tx, actor, "session.revoke", "session", id.slice(0, 8), {
      before: { ip: row.ip, userAgent: row.userAgent, createdAt: row.createdAt },
    });
  });
}

/** Signing out: the row goes (the token itself is refused through revoked_sessions). */
export async function forgetSession(db: DbOrTx, id: string) {
  await db.delete(userSessions).where(eq(userSessions.id, id));
}
