/**
 * Issue 7, item 8: sign-in is rate limited per account and per client address (Postgres-backed,
 * so every web process shares the counts); a locked account refuses even the right password;
 * the answer never tells whether the account exists; every log line names the client address.
 */
import { describe, expect, it } from "vitest";
import {
  LOGIN_FAILURES_PER_ACCOUNT,
  LOGIN_FAILURES_PER_ADDRESS,
  type SignInLog,
  signInWithPassword,
} from "../../server/auth/login-limit";
import { getDb } from "../../server/db/client";
import { makeUser } from "../helpers/users";

function logSink() {
  const lines: { obj: Record<string, unknown>; msg: string }[] = [];
  const push = (obj: object, msg: string) => lines.push({ obj: obj as Record<string, unknown>, msg });
  return { lines, log: { info: push, warn: push } satisfies SignInLog };
}

const attempt = (login: string, password: string, ip: string, l: SignInLog) =>
  signInWithPassword(getDb(), { login, password }, ip, l);

describe("sign-in rate limit", () => {
  it("locks an account after repeated failures: then even the right password is refused", async () => {
    const user = await makeUser("viewer", "right-password-1");
    const sink = logSink();
    const answers: string[] = [];
    for (let i = 0; i < LOGIN_FAILURES_PER_ACCOUNT + 5; i++) {
      const r = await attempt(user.username, `wrong-${i}`, `192.0.2.${i + 1}`, sink.log);
      answers.push(r.ok ? "ok" : r.reason);
    }
    expect(answers.slice(0, LOGIN_FAILURES_PER_ACCOUNT - 1).every((a) => a === "invalid")).toBe(true);
    expect(answers.slice(LOGIN_FAILURES_PER_ACCOUNT - 1).every((a) => a === "locked")).toBe(true);
    const right = await attempt(user.username, "right-password-1", "192.0.2.200", sink.log);
    expect(right).toMatchObject({ ok: false, reason: "locked" });
    expect(right.ok ? 0 : right.reason === "locked" ? right.retryInSeconds : 0).toBeGreaterThan(60);
    // Every sign-in log line carries the client address.
    expect(sink.lines.length).toBe(LOGIN_FAILURES_PER_ACCOUNT + 6);
    for (const l of sink.lines) expect(l.obj.ip, l.msg).toMatch(/^192\.0\.2\.\d+$/);
  });

  it("answers an unknown account exactly as a real one (no way to tell which exists)", async () => {
    const real = await makeUser("viewer", "right-password-2");
    const sink = logSink();
    const seq = async (login: string, ip: string) => {
      const out: unknown[] = [];
      for (let i = 0; i < LOGIN_FAILURES_PER_ACCOUNT + 1; i++) {
        const r = await attempt(login, "nope-nope", ip, sink.log);
        out.push(r.ok ? "ok" : { reason: r.reason });
      }
      return out;
    };
    expect(await seq("nobody-here", "198.51.100.1")).toEqual(await seq(real.username, "198.51.100.2"));
  });

  it("limits a client address across accounts, not other addresses", async () => {
    const victim = await makeUser("viewer", "right-password-3");
    const sink = logSink();
    const ip = "203.0.113.7";
    for (let i = 0; i < LOGIN_FAILURES_PER_ADDRESS; i++) {
      await attempt(`spray-${i}`, "guess", ip, sink.log);
    }
    expect(await attempt(victim.username, "right-password-3", ip, sink.log)).toMatchObject({
      ok: false,
      reason: "locked",
    });
    expect((await attempt(victim.username, "right-password-3", "203.0.113.8", sink.log)).ok).toBe(true);
    expect(sink.lines.at(-1)).toMatchObject({
      msg: "signed in",
      obj: { ip: "203.0.113.8", userId: victim.id },
    });
  });

  it("a successful sign-in clears the account's count", async () => {
    const user = await makeUser("viewer", "right-password-4");
    const sink = logSink();
    for (let i = 0; i < LOGIN_FAILURES_PER_ACCOUNT - 2; i++)
      await attempt(user.username, "x", "192.0.2.50", sink.log);
    expect((await attempt(user.username, "right-password-4", "192.0.2.50", sink.log)).ok).toBe(true);
    for (let i = 0; i < LOGIN_FAILURES_PER_ACCOUNT - 2; i++) {
      expect(await attempt(user.username, "x", "192.0.2.51", sink.log)).toMatchObject({ reason: "invalid" });
    }
  });
});
