/**
 * Issue 13, profile: own display name, and the list of one's signed-in sessions, each revocable
 * (a revoked session's cookie is refused from its next request); another user's session cannot
 * be revoked.
 */
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { sessionStillValid } from "../../server/auth/sessions";
import { recordSession, seenSession } from "../../server/auth/user-sessions";
import { getUser } from "../../server/auth/users";
import { getDb } from "../../server/db/client";
import { auditLog, userSessions } from "../../server/db/schema";
import { createCaller } from "../../server/router";
import { makeUser } from "../helpers/users";

const later = () => new Date(Date.now() + 3600_000);

describe("profile", () => {
  it("changes the display name, audited", async () => {
    const user = await makeUser("viewer");
    const caller = createCaller({ db: getDb(), user, ip: "10.0.0.9" });
    await caller.account.setName({ name: "  Li Lei " });
    expect((await getUser(getDb(), user.id))?.name).toBe("Li Lei");
    const [row] = await getDb().select().from(auditLog).where(eq(auditLog.action, "account.update"));
    expect(row).toMatchObject({
      actorName: user.username,
      ip: "10.0.0.9",
      before: { name: "" },
      after: { name: "Li Lei" },
    });
    await expect(caller.account.setName({ name: "x".repeat(101) })).rejects.toThrow(/name/);
  });

  it("lists own sessions, marks this one, and revokes another", async () => {
    const db = getDb();
    const user = await makeUser("operator");
    const other = await makeUser("operator");
    await recordSession(db, {
      id: "sess-a",
      userId: user.id,
      ip: "10.0.0.1",
      userAgent: "Firefox",
      expiresAt: later(),
    });
    await recordSession(db, {
      id: "sess-b",
      userId: user.id,
      ip: "10.0.0.2",
      userAgent: "WeChat",
      expiresAt: later(),
    });
    await recordSession(db, {
      id: "sess-x",
      userId: other.id,
      ip: "10.0.0.3",
      userAgent: "Safari",
      expiresAt: later(),
    });
    const caller = createCaller({ db, user, ip: "10.0.0.1", sessionId: "sess-a" });
    const list = await caller.account.sessions();
    expect(list.map((s) => [s.id, s.isCurrent, s.ip])).toEqual(
      expect.arrayContaining([
        ["sess-a", true, "10.0.0.1"],
        ["sess-b", false, "10.0.0.2"],
      ]),
    );
    expect(list).toHaveLength(2);
    expect(await sessionStillValid(db, user, { sessionId: "sess-b", issuedAtMs: Date.now() })).toBe(true);
    await caller.account.revokeSession({ id: "sess-b" });
    expect(await sessionStillValid(db, user, { sessionId: "sess-b", issuedAtMs: Date.now() })).toBe(false);
    expect((await caller.account.sessions()).map((s) => s.id)).toEqual(["sess-a"]);
    // Someone else's session: not found, and still valid.
    await expect(caller.account.revokeSession({ id: "sess-x" })).rejects.toThrow(/not yours/);
    expect(await sessionStillValid(db, other, { sessionId: "sess-x", issuedAtMs: Date.now() })).toBe(true);
  });
});

describe("sessions signed in before the list existed (migration 0015)", () => {
  const seen = (id: string, userId: number, ip: string, signedInAt = new Date(Date.now() - 86400_000)) =>
    seenSession(getDb(), { id, userId, ip, userAgent: "Chrome", signedInAt }, 3600_000);

  it("are listed from their next request on, as this session, with that request's address", async () => {
    const db = getDb();
    const user = await makeUser("operator");
    const caller = createCaller({ db, user, ip: "10.0.0.7", sessionId: "old-sess" });
    // Signed in before 0015: a valid token, no row.
    expect(await caller.account.sessions()).toEqual([]);
    const signedInAt = new Date(Date.now() - 86400_000);
    await seen("old-sess", user.id, "10.0.0.7", signedInAt);
    const [row] = await caller.account.sessions();
    expect(row).toMatchObject({ id: "old-sess", isCurrent: true, ip: "10.0.0.7", userAgent: "Chrome" });
    expect(row?.createdAt.getTime()).toBe(signedInAt.getTime());
    // It can be revoked like any other: its cookie is refused, and no later request brings it back.
    const other = createCaller({ db, user, ip: "10.0.0.8", sessionId: "new-sess" });
    await other.account.revokeSession({ id: "old-sess" });
    expect(await sessionStillValid(db, user, { sessionId: "old-sess", issuedAtMs: Date.now() })).toBe(false);
  });

  it("keep a recorded session's sign-in facts, and write its last activity at most once a minute", async () => {
    const db = getDb();
    const user = await makeUser("operator");
    await recordSession(db, {
      id: "rec-sess",
      userId: user.id,
      ip: "10.0.0.1",
      userAgent: "Firefox",
      expiresAt: later(),
    });
    const rowOf = async () =>
      (await db.select().from(userSessions).where(eq(userSessions.id, "rec-sess")))[0];
    const first = await rowOf();
    await seen("rec-sess", user.id, "10.9.9.9");
    expect(await rowOf()).toEqual(first);
    const old = new Date(Date.now() - 5 * 60_000);
    await db.update(userSessions).set({ lastSeenAt: old }).where(eq(userSessions.id, "rec-sess"));
    await seen("rec-sess", user.id, "10.9.9.9");
    const after = await rowOf();
    expect(after?.lastSeenAt.getTime()).toBeGreaterThan(old.getTime());
    expect(after).toMatchObject({
      ip: "10.0.0.1",
      userAgent: "Firefox",
      createdAt: first?.createdAt,
      expiresAt: first?.expiresAt,
    });
  });
});
