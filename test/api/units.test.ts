/**
 * The pieces under the APIs, without a web server: address ranges, the client address behind
 * proxies, the IP decision, which paths belong to the TimerJobs API, env seeds, token expiry,
 * and who may call the tokens / IP tRPC procedures.
 */
import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { COMPAT_JOB_NAMES, compatTarget, isHealthPath } from "../../server/api/compat/paths";
import { COMPAT_ROUTES } from "../../server/api/compat/routes";
import { getDb } from "../../server/db/client";
import { ipRules } from "../../server/db/schema";
import { compileRules, currentRules, decide } from "../../server/ipcontrol/check";
import { addIpRule, applyEnvIpSeeds, listIpRules, removeIpRule } from "../../server/ipcontrol/rules";
import { CidrError, displayRange, parseRange, rangeContains } from "../../server/lib/cidr";
import { EnvError, parseEnv } from "../../server/lib/env";
import { resolveClientAddress, trustedProxies } from "../../server/net/client-address";
import { lowerRole, parseExpiry } from "../../server/tokens/tokens";
import { callerFor, makeUser } from "../helpers/users";

const SYSTEM = { id: null, name: "test" };

describe("address ranges", () => {
  it("normalises addresses and ranges, IPv4 and IPv6", () => {
    expect(parseRange("10.1.2.3/8").cidr).toBe("10.0.0.0/8");
    expect(parseRange(" 192.168.1.5 ").cidr).toBe("192.168.1.5/32");
    expect(parseRange("2001:DB8::1/32").cidr).toBe("2001:db8::/32");
    expect(parseRange("::ffff:10.0.0.0/104").cidr).toBe("10.0.0.0/8");
    expect(parseRange("::ffff:1.2.3.4").cidr).toBe("1.2.3.4/32");
    expect(displayRange("1.2.3.4/32")).toBe("1.2.3.4");
    expect(displayRange("::1/128")).toBe("::1");
    expect(displayRange("10.0.0.0/8")).toBe("10.0.0.0/8");
    for (const bad of ["1.2.3", "300.1.1.1", "1.2.3.4/33", "::1/129", "abc", "0x7f.1", "", "10.0.0.0/x"]) {
      expect(() => parseRange(bad), bad).toThrow(CidrError);
    }
  });

  it("matches addresses inside a range only, across IPv4-mapped forms", () => {
    const r = parseRange("192.168.0.0/16");
    expect(rangeContains(r, "192.168.255.1")).toBe(true);
    expect(rangeContains(r, "::ffff:192.168.1.1")).toBe(true);
    expect(rangeContains(r, "192.169.0.1")).toBe(false);
    expect(rangeContains(r, "::1")).toBe(false);
    expect(rangeContains(parseRange("2001:db8::/32"), "2001:db8:ffff::1")).toBe(true);
    expect(rangeContains(parseRange("2001:db8::/32"), "2001:db9::1")).toBe(false);
    expect(rangeContains(parseRange("0.0.0.0/0"), "8.8.8.8")).toBe(true);
    expect(rangeContains(parseRange("10.0.0.0/9"), "10.127.255.255")).toBe(true);
    expect(rangeContains(parseRange("10.0.0.0/9"), "10.128.0.0")).toBe(false);
  });
});

describe("the client address behind proxies", () => {
  const trusted = trustedProxies("127.0.0.1, 10.0.0.0/8");

  it("believes X-Forwarded-For only from a trusted proxy, up to the first untrusted hop", () => {
    expect(resolveClientAddress("203.0.113.5", "1.1.1.1", trusted)).toBe("203.0.113.5");
    expect(resolveClientAddress("127.0.0.1", "198.51.100.7", trusted)).toBe("198.51.100.7");
    // The client forged the first entry; the proxies appended what they saw.
    expect(resolveClientAddress("127.0.0.1", "6.6.6.6, 198.51.100.7, 10.0.0.3", trusted)).toBe(
      "198.51.100.7",
    );
    expect(resolveClientAddress("127.0.0.1", ["6.6.6.6", "10.1.1.1"], trusted)).toBe("6.6.6.6");
    expect(resolveClientAddress("127.0.0.1", "10.1.1.1, 10.2.2.2", trusted)).toBe("10.1.1.1");
    expect(resolveClientAddress("127.0.0.1", "garbage, 198.51.100.7", trusted)).toBe("198.51.100.7");
    expect(resolveClientAddress("127.0.0.1", "198.51.100.7, garbage", trusted)).toBe("127.0.0.1");
    expect(resolveClientAddress("127.0.0.1", "::ffff:198.51.100.7", trusted)).toBe("198.51.100.7");
    expect(resolveClientAddress("127.0.0.1", undefined, trusted)).toBe("127.0.0.1");
    expect(resolveClientAddress("127.0.0.1", "198.51.100.7", [])).toBe("127.0.0.1");
  });
});

describe("the IP decision", () => {
  const rules = compileRules([
    { list: "allow", cidr: "10.0.0.0/8" },
    { list: "deny", cidr: "10.6.6.0/24" },
  ]);

  it("lets the deny list win, needs the allow list when it has entries, spares health", () => {
    expect(decide(rules, "10.1.1.1").allowed).toBe(true);
    expect(decide(rules, "10.6.6.6")).toEqual({ allowed: false, reason: "denied", rule: "10.6.6.0/24" });
    expect(decide(rules, "192.0.2.1")).toEqual({ allowed: false, reason: "not_allowed" });
    expect(decide(rules, "192.0.2.1", true).allowed).toBe(true);
    expect(decide(rules, "10.6.6.6", true).allowed).toBe(false);
    expect(decide(rules, null).allowed).toBe(false);
    expect(decide(compileRules([]), null).allowed).toBe(true);
    expect(decide(compileRules([]), "127.0.0.1").allowed).toBe(true);
  });

  it("re-reads the rules when their version moves, and only then", async () => {
    const before = await currentRules(getDb());
    expect(await currentRules(getDb())).toBe(before);
    await addIpRule(getDb(), SYSTEM, { list: "deny", value: "198.51.100.1" });
    const after = await currentRules(getDb());
    expect(after.version).toBeGreaterThan(before.version);
    expect(after.deny.map((r) => r.cidr)).toEqual(["198.51.100.1/32"]);
    await removeIpRule(getDb(), SYSTEM, { list: "deny", value: "198.51.100.1" });
    expect((await currentRules(getDb())).deny).toEqual([]);
  });
});

describe("IP_WHITELIST / IP_BLACKLIST seeds", () => {
  it("adds what the env gained, removes what it lost, and leaves API removals alone", async () => {
    const db = getDb();
    expect(
      await applyEnvIpSeeds(db, { IP_WHITELIST: "10.0.0.0/8, 192.168.1.0/24", IP_BLACKLIST: "10.6.6.6" }),
    ).toEqual({
      added: ["allow 10.0.0.0/8", "allow 192.168.1.0/24", "deny 10.6.6.6"],
      removed: [],
    });
    // Unchanged env: nothing to do.
    expect(
      await applyEnvIpSeeds(db, { IP_WHITELIST: "10.0.0.0/8,192.168.1.0/24", IP_BLACKLIST: "10.6.6.6" }),
    ).toEqual({
      added: [],
      removed: [],
    });
    // Removed through the API: it stays removed while the env is the same.
    await removeIpRule(db, SYSTEM, { list: "allow", value: "192.168.1.0/24" });
    await applyEnvIpSeeds(db, { IP_WHITELIST: "10.0.0.0/8,192.168.1.0/24", IP_BLACKLIST: "10.6.6.6" });
    expect((await listIpRules(db)).map((r) => `${r.list} ${r.value}`)).toEqual([
      "allow 10.0.0.0/8",
      "deny 10.6.6.6",
    ]);
    // Taken out of the env: removed; an API-added rule is never touched.
    await addIpRule(db, SYSTEM, { list: "deny", value: "203.0.113.0/24" });
    expect(await applyEnvIpSeeds(db, { IP_WHITELIST: "", IP_BLACKLIST: "" })).toEqual({
      added: [],
      removed: ["allow 10.0.0.0/8", "deny 10.6.6.6"],
    });
    expect((await listIpRules(db)).map((r) => r.value)).toEqual(["203.0.113.0/24"]);
    await db.delete(ipRules);
  });
});

describe("TimerJobs paths", () => {
  it("lists every route's first name (kept in step with the route table)", () => {
    const names = new Set(COMPAT_ROUTES.map((r) => r.path.split("/")[2]));
    expect([...COMPAT_JOB_NAMES].sort()).toEqual([...names].sort());
  });

  it("routes API names to the API and leaves the UI's paths alone", () => {
    expect(compatTarget("/jobs/add", "")).toBe("/api/compat/jobs/add");
    expect(compatTarget("/jobs/ip-control/whitelist/add", "")).toBe(
      "/api/compat/jobs/ip-control/whitelist/add",
    );
    expect(compatTarget("/jobs/functions/reload", "")).toBe("/api/compat/jobs/functions/reload");
    expect(compatTarget("/health", "")).toBe("/api/compat/health");
    for (const ui of ["/jobs", "/jobs/", "/jobs/new", "/jobs/12", "/jobs/12/edit", "/runs/1"]) {
      expect(compatTarget(ui, ""), ui).toBeNull();
    }
    // Not a page: the API answers (its JSON 404), never the login page.
    expect(compatTarget("/jobs/noSuchEndpoint", "")).toBe("/api/compat/jobs/noSuchEndpoint");
    expect(compatTarget("/jobs/12x", "")).toBe("/api/compat/jobs/12x");
    expect(compatTarget("/tj/jobs/add", "/tj")).toBe("/api/compat/jobs/add");
    expect(compatTarget("/tj/health", "/tj")).toBe("/api/compat/health");
    expect(compatTarget("/tj/anything", "/tj")).toBe("/api/compat/anything");
    expect(compatTarget("/jobs/add", "/tj")).toBeNull();
    expect(compatTarget("/tjx/jobs/add", "/tj")).toBeNull();
    expect(isHealthPath("/api/health", "")).toBe(true);
    expect(isHealthPath("/jobs/health", "")).toBe(true);
    expect(isHealthPath("/tj/health", "/tj")).toBe(true);
    expect(isHealthPath("/jobs/list", "")).toBe(false);
  });
});

describe("the environment", () => {
  it("checks the API and IP variables at start, naming the bad one", () => {
    const e = parseEnv({
      IP_WHITELIST: "10.0.0.0/8, 2001:db8::/32",
      TRUSTED_PROXIES: "127.0.0.1",
      TIMERJOBS_COMPAT_MODE: "0",
    });
    expect(e).toMatchObject({ TIMERJOBS_COMPAT_MODE: false, TIMERJOBS_API_PREFIX: "" });
    expect(parseEnv({}).TIMERJOBS_COMPAT_MODE).toBe(true);
    expect(parseEnv({ TIMERJOBS_API_PREFIX: "/timerjobs" }).TIMERJOBS_API_PREFIX).toBe("/timerjobs");
    const bad: [Record<string, string>, string][] = [
      [{ IP_WHITELIST: "10.0.0.0/8,nope" }, "IP_WHITELIST"],
      [{ IP_BLACKLIST: "1.2.3.4/40" }, "IP_BLACKLIST"],
      [{ TRUSTED_PROXIES: "proxy.local" }, "TRUSTED_PROXIES"],
      [{ TIMERJOBS_API_PREFIX: "timerjobs" }, "TIMERJOBS_API_PREFIX"],
      [{ TIMERJOBS_API_PREFIX: "/timerjobs/" }, "TIMERJOBS_API_PREFIX"],
      [{ TIMERJOBS_API_PREFIX: "/api" }, "TIMERJOBS_API_PREFIX"],
      [{ TIMERJOBS_API_PREFIX: "/jobs" }, "TIMERJOBS_API_PREFIX"],
      [{ API_LOOPBACK_ROLE: "root" }, "API_LOOPBACK_ROLE"],
    ];
    for (const [source, name] of bad) {
      expect(() => parseEnv(source), name).toThrow(EnvError);
      expect(() => parseEnv(source), name).toThrow(new RegExp(name));
    }
  });
});

describe("tokens", () => {
  it("reads expiries as durations or dates", () => {
    const now = new Date("2026-01-01T00:00:00Z");
    expect(parseExpiry("30d", now)?.toISOString()).toBe("2026-01-31T00:00:00.000Z");
    expect(parseExpiry("12h", now)?.toISOString()).toBe("2026-01-01T12:00:00.000Z");
    expect(parseExpiry("2w", now)?.toISOString()).toBe("2026-01-15T00:00:00.000Z");
    expect(parseExpiry("2026-12-31", now)?.toISOString()).toBe("2026-12-31T00:00:00.000Z");
    expect(parseExpiry("never", now)).toBeNull();
    expect(parseExpiry(undefined, now)).toBeNull();
    expect(() => parseExpiry("soon", now)).toThrow(/duration/);
  });

  it("never lets a personal token exceed its user", () => {
    expect(lowerRole("admin", "operator")).toBe("operator");
    expect(lowerRole("viewer", "admin")).toBe("viewer");
  });

  it("keeps the tokens and IP procedures to admins", async () => {
    const code = async (p: Promise<unknown>) => {
      try {
        await p;
        return "OK";
      } catch (e) {
        return e instanceof TRPCError ? e.code : String(e);
      }
    };
    for (const role of ["viewer", "operator"] as const) {
      const c = callerFor(await makeUser(role));
      expect(await code(c.tokens.list({})), role).toBe("FORBIDDEN");
      expect(await code(c.tokens.create({ name: "x", role: "viewer" })), role).toBe("FORBIDDEN");
      expect(await code(c.tokens.revoke({ id: 1 })), role).toBe("FORBIDDEN");
      expect(await code(c.ipControl.list()), role).toBe("FORBIDDEN");
      expect(await code(c.ipControl.add({ list: "deny", value: "1.2.3.4" })), role).toBe("FORBIDDEN");
      expect(await code(c.ipControl.remove({ list: "deny", value: "1.2.3.4" })), role).toBe("FORBIDDEN");
    }
    const admin = callerFor(await makeUser("admin"));
    const created = await admin.tokens.create({ name: "from trpc", role: "operator", kind: "personal" });
    expect(created.token).toMatch(/^kairos_/);
    expect(created.view).toMatchObject({ kind: "personal", role: "operator", status: "active" });
    // A personal token is capped by its user's role: an operator asking for admin is refused.
    const op = await makeUser("operator");
    await expect(
      admin.tokens.create({ name: "too much", role: "admin", kind: "personal", userId: op.id }),
    ).rejects.toThrow(/more rights than its user/);
    // The caller (127.0.0.1 in callerFor) cannot shut itself out without confirming.
    await expect(admin.ipControl.add({ list: "allow", value: "10.0.0.0/8" })).rejects.toThrow(/lock out/);
    await expect(admin.ipControl.add({ list: "deny", value: "127.0.0.0/8" })).rejects.toThrow(/lock out/);
    expect((await admin.ipControl.list()).rules).toEqual([]);
  });
});
