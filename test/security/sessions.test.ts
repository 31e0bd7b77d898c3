/**
 * Issue 7, Low: signing out ends the session (its cookie no longer works), and a password
 * change voids sessions signed in even a fraction of a second before it.
 */
import { describe, expect, it } from "vitest";
import { revokeSession, sessionStillValid } from "../../server/auth/sessions";
import { getUser, updateUser } from "../../server/auth/users";
import { getDb } from "../../server/db/client";
import { makeUser } from "../helpers/users";

describe("sessions", () => {
  it("a signed-out session is refused, others of the same user are not", async () => {
    const db = getDb();
    const user = await makeUser("operator");
    const now = Date.now();
    expect(await sessionStillValid(db, user, { sessionId: "s-1", issuedAtMs: now })).toBe(true);
    await revokeSession(db, "s-1", new Date(now + 3600_000));
    expect(await sessionStillValid(db, user, { sessionId: "s-1", issuedAtMs: now })).toBe(false);
    expect(await sessionStillValid(db, user, { sessionId: "s-2", issuedAtMs: now })).toBe(true);
    // Signing out twice (two tabs) is fine.
    await revokeSession(db, "s-1", new Date(now + 3600_000));
  });

  it("a refusal outlives the expiry recorded at sign-in: a token in use was re-issued with a later one", async () => {
    const db = getDb();
    const user = await makeUser("operator");
    const now = Date.now();
    const id = `long-used-${now}`;
    // The row's expiry was written at sign-in, days ago; the cookie was refreshed since.
    await revokeSession(db, id, new Date(now - 3 * 86_400_000));
    // Another sign-out purges refusals whose tokens have all expired: not this one.
    await revokeSession(db, "other", new Date(now + 3600_000));
    expect(await sessionStillValid(db, user, { sessionId: id, issuedAtMs: now })).toBe(false);
  });

  it("a password change voids a session signed in 300 ms earlier, not one signed in after", async () => {
    const db = getDb();
    const user = await makeUser("viewer", "old-password-1");
    const signedIn = Date.now();
    await new Promise((r) => setTimeout(r, 300));
    await updateUser(
      db,
      { id: null, name: "test" },
      { id: user.id, email: undefined, password: "new-password-1" },
    );
    const fresh = await getUser(db, user.id);
    if (!fresh) throw new Error("user vanished");
    expect(await sessionStillValid(db, fresh, { sessionId: "a", issuedAtMs: signedIn })).toBe(false);
    expect(await sessionStillValid(db, fresh, { sessionId: "b", issuedAtMs: Date.now() })).toBe(true);
  });

  it("a token without a session id or issue time (from before this check) is refused", async () => {
    const user = await makeUser("viewer");
    expect(await sessionStillValid(getDb(), user, { issuedAtMs: Date.now() })).toBe(false);
    expect(await sessionStillValid(getDb(), user, { sessionId: "x" })).toBe(false);
  });
});
