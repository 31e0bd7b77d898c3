import { and, eq, ne } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import {
  authenticate,
  countUsers,
  createFirstAdmin,
  ensureEnvAdmin,
  updateUser,
} from "../../server/auth/users";
import { getDb } from "../../server/db/client";
import { users } from "../../server/db/schema";
import { DomainError } from "../../server/lib/errors";
import { makeUser } from "../helpers/users";

const actor = { id: null, name: "test" };

describe("users", () => {
  it("creates the first admin once, even when two requests race", async () => {
    const db = getDb();
    const input = (u: string) => ({ username: u, email: null, name: "", password: "password123" });
    const results = await Promise.allSettled([
      createFirstAdmin(db, input("alice")),
      createFirstAdmin(db, input("bob")),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(rejected.reason).toBeInstanceOf(DomainError);
    expect(rejected.reason.code).toBe("PRECONDITION_FAILED");
    expect(await countUsers(db)).toBe(1);
    // The env admin is only created on an empty installation.
    await ensureEnvAdmin(db, "envadmin", "password123");
    expect(await countUsers(db)).toBe(1);
  });

  it("authenticates by username or email, case-insensitively, and refuses wrong or disabled", async () => {
    const db = getDb();
    const u = await makeUser("operator", "s3cret-pass", { username: "Carol" });
    expect((await authenticate(db, "carol", "s3cret-pass"))?.id).toBe(u.id);
    expect((await authenticate(db, "CAROL@example.com", "s3cret-pass"))?.id).toBe(u.id);
    expect(await authenticate(db, "carol", "wrong-pass")).toBeNull();
    expect(await authenticate(db, "nobody", "s3cret-pass")).toBeNull();
    await updateUser(db, actor, { id: u.id, email: undefined, isActive: false });
    expect(await authenticate(db, "carol", "s3cret-pass")).toBeNull();
  });

  it("reports a taken username or email on that field", async () => {
    await makeUser("viewer", "password123", { username: "dave" });
    await expect(makeUser("viewer", "password123", { username: "DAVE" })).rejects.toMatchObject({
      code: "CONFLICT",
      field: "username",
    });
  });

  it("never demotes or disables the last active admin", async () => {
    const db = getDb();
    const admin = await makeUser("admin");
    // Demote every other admin (earlier tests in this file made some): then `admin` is the last.
    const others = await db
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.role, "admin"), ne(users.id, admin.id)));
    expect(others.length).toBeGreaterThan(0);
    for (const o of others) await updateUser(db, actor, { id: o.id, email: undefined, role: "viewer" });
    await expect(
      updateUser(db, actor, { id: admin.id, email: undefined, role: "operator" }),
    ).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
      field: "role",
    });
    await expect(
      updateUser(db, actor, { id: admin.id, email: undefined, isActive: false }),
    ).rejects.toMatchObject({
      field: "isActive",
    });
  });

  it("voids older sessions when the password changes", async () => {
    const db = getDb();
    const u = await makeUser("viewer");
    const before = u.sessionsValidAfter.getTime();
    await new Promise((r) => setTimeout(r, 5));
    const after = await updateUser(db, actor, { id: u.id, email: undefined, password: "another-pass" });
    expect(after.sessionsValidAfter.getTime()).toBeGreaterThan(before);
    expect(await authenticate(db, u.username, "another-pass")).not.toBeNull();
  });
});
