import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { appRouter } from "../../server/router";
import { callerFor, httpCall, makeUser } from "../helpers/users";

/** Procedures anyone may call without signing in. Adding one here must be a deliberate act. */
/** Answered to anyone: the sign-in and setup pages ask whether the first admin exists. */
// Share links (issue 11): a report's link opens without an account; the token is the check.
const PUBLIC_PROCEDURES: string[] = [
  "account.setupNeeded",
  "reports.shared.get",
  "reports.shared.view",
  "reports.shared.chart",
];
const ADMIN_ONLY = ["users.list", "users.get", "users.create", "users.update"];

/** Walks a procedure path of any depth (`reports.files.list`) on a caller. */
async function call(caller: unknown, path: string, input?: unknown) {
  let node: unknown = caller;
  for (const part of path.split(".")) node = (node as Record<string, unknown> | undefined)?.[part];
  if (typeof node !== "function") throw new Error(`no procedure ${path}`);
  return (node as (input?: unknown) => Promise<unknown>)(input);
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "OK";
  } catch (e) {
    return e instanceof TRPCError ? e.code : `non-trpc: ${String(e)}`;
  }
}

describe("tRPC access", () => {
  const paths = Object.keys(appRouter._def.procedures);

  it("has procedures to check", () => {
    expect(paths.length).toBeGreaterThan(8);
  });

  it("refuses every non-public procedure to anonymous callers", async () => {
    const anon = callerFor(null);
    for (const path of paths.filter((p) => !PUBLIC_PROCEDURES.includes(p))) {
      expect(await codeOf(call(anon, path, {})), path).toBe("UNAUTHORIZED");
    }
  });

  it("refuses admin procedures to viewers and operators", async () => {
    for (const role of ["viewer", "operator"] as const) {
      const caller = callerFor(await makeUser(role));
      for (const path of ADMIN_ONLY)
        expect(await codeOf(call(caller, path, {})), `${role} ${path}`).toBe("FORBIDDEN");
    }
  });

  it("lets viewers read mail but not send", async () => {
    const viewer = callerFor(await makeUser("viewer"));
    expect(await codeOf(call(viewer, "mail.list", {}))).toBe("OK");
    expect(await codeOf(call(viewer, "mail.sendTest", { to: "a@example.com" }))).toBe("FORBIDDEN");
  });

  it("answers invalid input with per-field messages and changes nothing", async () => {
    const user = await makeUser("admin");
    const admin = callerFor(user);
    const before = await admin.users.list({});
    const res = await httpCall(user, "users.create", {
      username: "x",
      email: "not-an-email",
      name: "",
      role: "admin",
      password: "short",
    });
    expect(res.status).toBe(400);
    expect(res.error?.data.code).toBe("BAD_REQUEST");
    expect(res.error?.data.fieldErrors).toEqual({
      username: ["at least 2 characters"],
      email: ["not a valid email address"],
      password: ["at least 8 characters"],
    });
    expect(res.error?.message).toMatch(/username: at least 2 characters/);
    expect((await admin.users.list({})).total).toBe(before.total);
  });

  it("puts a domain error on the field it concerns", async () => {
    const user = await makeUser("admin");
    const res = await httpCall(user, "users.create", {
      username: user.username,
      email: "",
      name: "",
      role: "viewer",
      password: "password123",
    });
    expect(res.status).toBe(409);
    expect(res.error?.data.fieldErrors).toEqual({ username: ["this username is taken"] });
  });

  it("answers 401 over HTTP to anonymous callers", async () => {
    const res = await httpCall(null, "dashboard.summary", undefined, "GET");
    expect(res.status).toBe(401);
    expect(res.error?.data.code).toBe("UNAUTHORIZED");
  });
});
