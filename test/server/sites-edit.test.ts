/**
 * Issue 12: editing a site (name, base URL, zone, pull schedule, people) through the tRPC
 * procedure the site page's form calls: zod errors name the field, the pull job follows the
 * site (updated, created, deleted), the caller's scope applies, and the audit log has it.
 */
import { TRPCError } from "@trpc/server";
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { PublicUser } from "../../server/auth/users";
import { getDb } from "../../server/db/client";
import { auditLog, jobs } from "../../server/db/schema";
import { callerFor, httpCall, makeUser } from "../helpers/users";

let admin: PublicUser;
let opA: PublicUser;
let opB: PublicUser;
let viewer: PublicUser;
let siteA: { id: number };
let siteB: { id: number };

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "OK";
  } catch (e) {
    return e instanceof TRPCError ? e.code : `non-trpc: ${String(e)}`;
  }
}

beforeAll(async () => {
  admin = await makeUser("admin");
  opA = await makeUser("operator");
  opB = await makeUser("operator");
  viewer = await makeUser("viewer");
  siteA = await callerFor(opA).sites.create({ code: "EA", name: "Edit A", timezone: "Asia/Shanghai" });
  siteB = await callerFor(opB).sites.create({
    code: "EB",
    name: "Edit B",
    timezone: "UTC",
    baseUrl: "http://127.0.0.1:9/b",
  });
});

const jobOf = async (id: number | null) =>
  id === null ? undefined : (await getDb().select().from(jobs).where(eq(jobs.id, id)))[0];

describe("edit a site", () => {
  it("changes name, zone and people; a base URL given later creates the pull job with the schedule", async () => {
    const a = callerFor(opA);
    const before = await a.sites.get({ id: siteA.id });
    expect(before.pullJobId).toBeNull();
    await a.sites.update({
      id: siteA.id,
      name: "Edit A (renamed)",
      baseUrl: "http://127.0.0.1:9/a",
      timezone: "Europe/Paris",
      pullCron: "*/10 * * * *",
      userIds: [opA.id, viewer.id],
    });
    const after = await a.sites.get({ id: siteA.id });
    expect(after).toMatchObject({
      name: "Edit A (renamed)",
      baseUrl: "http://127.0.0.1:9/a",
      timezone: "Europe/Paris",
      pullCron: "*/10 * * * *",
    });
    expect(after.users.map((u) => u.id).sort()).toEqual([opA.id, viewer.id].sort());
    expect(await jobOf(after.pullJobId)).toMatchObject({
      mode: "site_pull",
      cron: "*/10 * * * *",
      timezone: "Europe/Paris",
      policy: "skip",
      params: { siteId: siteA.id },
    });
    // The viewer now assigned reads it.
    expect(await codeOf(callerFor(viewer).sites.get({ id: siteA.id }))).toBe("OK");
    const [row] = await getDb()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "site.update"), eq(auditLog.entityId, String(siteA.id))));
    expect(row?.actorId).toBe(opA.id);
    expect(row?.before).toMatchObject({ name: "Edit A", timezone: "Asia/Shanghai", userIds: [opA.id] });
    expect(row?.after).toMatchObject({ name: "Edit A (renamed)", pullCron: "*/10 * * * *" });
    expect(JSON.stringify(row?.after)).not.toContain("ingestTokenHash");
  });

  it("a new schedule updates the pull job; no base URL deletes it", async () => {
    const b = callerFor(opB);
    const site = await b.sites.get({ id: siteB.id });
    const jobId = site.pullJobId as number;
    await b.sites.update({
      id: siteB.id,
      name: "Edit B",
      baseUrl: "http://127.0.0.1:9/b2",
      timezone: "Asia/Tokyo",
      pullCron: "0 * * * *",
      userIds: [opB.id],
    });
    expect(await jobOf(jobId)).toMatchObject({ cron: "0 * * * *", timezone: "Asia/Tokyo" });
    expect((await jobOf(jobId))?.description).toContain("http://127.0.0.1:9/b2");
    await b.sites.update({
      id: siteB.id,
      name: "Edit B",
      baseUrl: null,
      timezone: "Asia/Tokyo",
      userIds: [opB.id],
    });
    expect((await b.sites.get({ id: siteB.id })).pullJobId).toBeNull();
    expect(await jobOf(jobId)).toBeUndefined();
  });

  it("names the field that is wrong", async () => {
    const base = {
      id: siteA.id,
      name: "X",
      baseUrl: "http://127.0.0.1:9/a",
      timezone: "UTC",
      userIds: [opA.id],
    };
    const cases: [Record<string, unknown>, string][] = [
      [{ timezone: "Mars/Base" }, "timezone"],
      [{ name: "  " }, "name"],
      [{ baseUrl: "ftp://x" }, "baseUrl"],
      [{ pullCron: "61 * * * *" }, "pullCron"],
      [{ userIds: [opA.id, 987654] }, "userIds"],
      [{ alarmGroupWaitSeconds: -1 }, "alarmGroupWaitSeconds"],
      [{ alarmGroupWaitSeconds: 7200 }, "alarmGroupWaitSeconds"],
      [{ alarmRemindSeconds: 1.5 }, "alarmRemindSeconds"],
      [{ alarmRemindSeconds: "3600" }, "alarmRemindSeconds"],
    ];
    for (const [change, field] of cases) {
      const r = await httpCall(opA, "sites.update", { ...base, ...change });
      expect(r.error?.data.code, field).toBe("BAD_REQUEST");
      expect(Object.keys(r.error?.data.fieldErrors ?? {}), field).toContain(field);
    }
    // Nothing was changed by the refused edits.
    expect((await callerFor(opA).sites.get({ id: siteA.id })).name).toBe("Edit A (renamed)");
  });

  it("keeps the site's own alarm group wait and repeat interval; empty follows the defaults", async () => {
    const a = callerFor(opA);
    const input = {
      id: siteA.id,
      name: "Edit A (renamed)",
      baseUrl: null,
      timezone: "UTC",
      userIds: [opA.id],
    };
    await a.sites.update({ ...input, alarmGroupWaitSeconds: 120, alarmRemindSeconds: 1800 });
    expect(await a.sites.get({ id: siteA.id })).toMatchObject({
      alarmGroupWaitSeconds: 120,
      alarmRemindSeconds: 1800,
      alarmDefaults: { groupWaitSeconds: 30, remindSeconds: 4 * 3600 },
    });
    await a.sites.update(input);
    expect(await a.sites.get({ id: siteA.id })).toMatchObject({
      alarmGroupWaitSeconds: null,
      alarmRemindSeconds: null,
    });
  });

  it("within the caller's scope only; viewers may not edit", async () => {
    const input = { id: siteB.id, name: "hijack", baseUrl: null, timezone: "UTC", userIds: [opA.id] };
    expect(await codeOf(callerFor(opA).sites.update(input))).toBe("NOT_FOUND");
    expect(await codeOf(callerFor(viewer).sites.update({ ...input, id: siteA.id }))).toBe("FORBIDDEN");
    expect(await codeOf(callerFor(viewer).sites.people())).toBe("FORBIDDEN");
    expect((await callerFor(admin).sites.get({ id: siteB.id })).name).toBe("Edit B");
    const people = await callerFor(opA).sites.people();
    expect(people.map((p) => p.id)).toEqual(expect.arrayContaining([opA.id, opB.id, viewer.id]));
    expect(Object.keys(people[0] ?? {}).sort()).toEqual(["id", "name", "username"]);
  });
});
