/**
 * Issue 7, item 4: /setup creates the first admin; from any address but loopback it needs the
 * one-time code that the web process prints in its start-up log.
 */
import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import {
  announceSetupCode,
  ensureSetupCode,
  setupFirstAdmin,
  setupNeedsCode,
} from "../../server/auth/setup-code";
import { countUsers } from "../../server/auth/users";
import { getDb } from "../../server/db/client";
import { users } from "../../server/db/schema";
import { DomainError } from "../../server/lib/errors";

const admin = (username: string) => ({ username, email: null, name: "", password: "first-admin-pw" });

describe("first-run setup", () => {
  it("asks for a code from anywhere but loopback (and from an unknown address)", () => {
    expect(setupNeedsCode("127.0.0.1")).toBe(false);
    expect(setupNeedsCode("::1")).toBe(false);
    expect(setupNeedsCode("192.168.1.20")).toBe(true);
    expect(setupNeedsCode("2001:db8::1")).toBe(true);
    expect(setupNeedsCode(null)).toBe(true);
  });

  it("refuses a remote setup without the right code, accepts it with the code, then forgets the code", async () => {
    const db = getDb();
    const code = await ensureSetupCode(db);
    expect(code).toMatch(/^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$/);
    // Every web process (and restart) prints the same code until setup is done.
    expect(await ensureSetupCode(db)).toBe(code);
    for (const wrong of ["", "AAAA-BBBB-CCCC-DDDD", `${code}X`]) {
      const err = await setupFirstAdmin(db, admin("mallory"), "203.0.113.9", wrong).catch((e) => e);
      expect(err).toBeInstanceOf(DomainError);
      expect(err).toMatchObject({ code: "FORBIDDEN", field: "code" });
    }
    expect(await countUsers(db)).toBe(0);
    // Typed by a human: lower case, without dashes, is fine.
    const typed = (code ?? "").toLowerCase().replaceAll("-", "");
    const user = await setupFirstAdmin(db, admin("alice"), "203.0.113.9", typed);
    expect(user).toMatchObject({ username: "alice", role: "admin" });
    expect(await ensureSetupCode(db)).toBeNull();
    expect(err(await setupFirstAdmin(db, admin("bob"), "127.0.0.1", "").catch((e) => e))).toBe(
      "PRECONDITION_FAILED",
    );
  });

  it("needs no code on the machine itself", async () => {
    const db = getDb();
    await db.delete(users);
    await ensureSetupCode(db);
    expect((await setupFirstAdmin(db, admin("local"), "127.0.0.1", "")).role).toBe("admin");
  });
});

function err(e: unknown) {
  return e instanceof DomainError || e instanceof TRPCError ? e.code : String(e);
}

describe("the web process at first start", () => {
  it("prints the setup code in its start-up log while no admin exists, and nothing after", async () => {
    const db = getDb();
    await db.delete(users);
    const lines: string[] = [];
    const sink = { warn: (_: object, msg: string) => lines.push(msg) };
    const code = await announceSetupCode(db, sink);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(
      `First-run setup code (asked by /setup from any machine but this one): ${code}`,
    );
    await setupFirstAdmin(db, admin("first"), "127.0.0.1", "");
    expect(await announceSetupCode(db, sink)).toBeNull();
    expect(lines).toHaveLength(1);
  });
});
