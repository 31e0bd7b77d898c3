import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "../../server/db/client";
import { jobs } from "../../server/db/schema";
import { publishFunctionCatalog } from "../../server/functions/catalog";
import { msg, renderMsg } from "../../server/i18n/errors";
import {
  cloneJob,
  deleteJob,
  getJob,
  listJobs,
  restartJob,
  stopJob,
  updateJob,
} from "../../server/jobs/jobs";
import { DomainError } from "../../server/lib/errors";
import { ADMIN, jobRow, makeJob } from "../helpers/jobs";
import { callerFor, httpCall, makeUser } from "../helpers/users";

describe("jobs: definition and validation", () => {
  it("creates a job from the seed's text, stores structured params, and computes the next fire", async () => {
    const before = Date.now();
    const job = await makeJob({
      mode: "http",
      cron: "*/10 * * * * *",
      command: "【url】https://api.example.com/health\n【mode】GET",
    });
    expect(job.params).toEqual({
      url: "https://api.example.com/health",
      method: "GET",
      headers: [],
      times: 1,
    });
    expect(job.commandText).toBe("【url】https://api.example.com/health\n【mode】GET");
    expect(job.nextFireAt?.getTime()).toBeGreaterThan(before);
    expect(job.nextFireAt?.getTime()).toBeLessThanOrEqual(before + 10_000);
    expect((job.nextFireAt?.getUTCSeconds() ?? 1) % 10).toBe(0);
    expect(job.displayState).toBe("waiting");
  });

  it("refuses bad input with the field named, and stores nothing", async () => {
    const admin = await makeUser("admin");
    const count = async () => (await getDb().select().from(jobs)).length;
    const before = await count();
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ cron: "61 * * * *" }, "cron", /minute|out of range|61/i],
      [{ cron: "* * * * * * *" }, "cron", /field/i],
      [{ timezone: "Mars/Olympus" }, "timezone", /unknown time zone/],
      [{ mode: "telepathy" }, "mode", /must be one of/],
      [{ mode: "mail_pickup", command: undefined, params: {} }, "params.prefix", /required/],
      [{ mode: "script", command: undefined, params: {} }, "params.scriptId", /choose a script/],
      [{ command: "【mode】GET" }, "command", /【url】/],
      [{ command: undefined, params: { url: "ftp://x" } }, "params.url", /http/],
      [{ name: "" }, "name", /required/],
      [{ notifyEmails: ["nope"] }, "notifyEmails.0", /email/],
    ];
    for (const [patch, field, message] of cases) {
      const res = await httpCall(admin, "jobs.create", {
        name: "valid name",
        cron: "* * * * *",
        timezone: "UTC",
        mode: "http",
        command: "【url】https://x.test",
        ...patch,
      });
      expect(res.status, JSON.stringify(patch)).toBe(400);
      const fe = res.error?.data.fieldErrors ?? {};
      expect(Object.keys(fe), JSON.stringify(patch)).toContain(field);
      expect(fe[field]?.join(" "), JSON.stringify(patch)).toMatch(message);
    }
    expect(await count()).toBe(before);
  });

  it("lets only admins create command jobs", async () => {
    const op = await makeUser("operator");
    const res = await httpCall(op, "jobs.create", {
      name: "rm",
      cron: "* * * * *",
      mode: "command",
      command: "【command】echo hi",
    });
    expect(res.status).toBe(403);
    expect(res.error?.data.fieldErrors).toEqual({ mode: ["only admins may create or change command jobs"] });
    // An operator may create http jobs.
    const ok = await callerFor(op).jobs.create({
      name: "ping",
      cron: "* * * * *",
      mode: "http",
      command: "https://x.test",
    });
    expect(ok.ownerId).toBe(op.id);
  });

  it("refuses a duplicate name on the name field", async () => {
    const a = await makeJob({ mode: "func", command: "【name】Hello" });
    await expect(makeJob({ mode: "func", command: "【name】Hello", name: a.name })).rejects.toMatchObject({
      code: "CONFLICT",
      field: "name",
    });
  });

  it("refuses a func job naming a function the workers have not loaded, on params.name, in both languages", async () => {
    const admin = await makeUser("admin");
    const fn = (name: string) => ({ name, description: "", params: [], kind: "builtin" as const });
    await publishFunctionCatalog(getDb(), {
      functions: [fn("Dayin"), fn("Test")],
      errors: [],
      loadedAt: new Date().toISOString(),
      workerId: "w1",
    });
    try {
      const input = { name: "fn job", cron: "* * * * *", timezone: "UTC", mode: "func" as const };
      const res = await httpCall(admin, "jobs.create", { ...input, command: "【name】Dayyin" });
      expect(res.status).toBe(400);
      expect(res.error?.data.fieldErrors).toEqual({
        "params.name": ['no function named "Dayyin" (known: Dayin, Test)'],
      });
      const ok = await callerFor(admin).jobs.create({ ...input, command: "【name】Dayin" });
      const err = await updateJob(getDb(), ADMIN, ok.id, {
        ...input,
        mode: "func",
        command: "【name】Dayyin",
      }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: "BAD_REQUEST", field: "params.name" });
      expect(renderMsg((err as DomainError).msg ?? msg("internal"), "zh-CN")).toBe(
        "没有名为 Dayyin 的函数（可用：Dayin, Test）",
      );
    } finally {
      await publishFunctionCatalog(getDb(), { functions: [], errors: [], loadedAt: null, workerId: null });
    }
  });

  it("stops, restarts (from now), edits, clones and deletes", async () => {
    const db = getDb();
    const job = await makeJob({ mode: "func", command: "【name】Hello", cron: "0 0 * * * *" });
    const stopped = await stopJob(db, ADMIN, job.id);
    expect(stopped.state).toBe("stopped");
    expect((await jobRow(job.id))?.nextFireAt).toBeNull();
    const restarted = await restartJob(db, ADMIN, job.id);
    expect(restarted.state).toBe("waiting");
    expect(restarted.nextFireAt?.getTime()).toBeGreaterThan(Date.now());
    const edited = await updateJob(db, ADMIN, job.id, {
      name: job.name,
      cron: "30 15 10 * * *",
      timezone: "Asia/Shanghai",
      mode: "func",
      command: "【name】Math\n【arg】+,1,2",
    });
    // 10:15:30 in Shanghai is 02:15:30 UTC.
    expect(edited.nextFireAt?.toISOString()).toMatch(/T02:15:30\.000Z$/);
    expect(edited.params).toEqual({ name: "Math", args: ["+", "1", "2"] });
    const copy = await cloneJob(db, ADMIN, job.id);
    expect(copy.name).toBe(`${job.name} (copy)`);
    expect(copy.state).toBe("stopped");
    expect(copy.params).toEqual(edited.params);
    await deleteJob(db, ADMIN, job.id);
    await expect(getJob(db, job.id)).rejects.toBeInstanceOf(DomainError);
  });

  it("lists with search, state, mode and tag filters, and pages", async () => {
    const db = getDb();
    await makeJob({ mode: "func", command: "【name】Hello", name: "alpha report", tags: ["nightly"] });
    await makeJob({ mode: "http", command: "https://x.test", name: "beta ping", state: "stopped" });
    expect((await listJobs(db, { q: "alpha" })).items.map((j) => j.name)).toEqual(["alpha report"]);
    expect((await listJobs(db, { tag: "nightly" })).items.map((j) => j.name)).toEqual(["alpha report"]);
    expect((await listJobs(db, { state: "stopped", q: "beta" })).total).toBe(1);
    expect((await listJobs(db, { mode: "http", q: "beta" })).total).toBe(1);
    const all = await db.execute<{ n: number }>(sql`select count(*)::int as n from jobs`);
    const page = await listJobs(db, { size: 2, page: 1 });
    expect(page.items).toHaveLength(Math.min(2, Number(all[0]?.n)));
    expect(page.total).toBe(Number(all[0]?.n));
  });

  it("previews a cron as you type: text in both languages and the next fires", async () => {
    const viewer = callerFor(await makeUser("viewer"));
    const ok = await viewer.jobs.previewCron({ cron: "0 23-7/1 * * *", timezone: "Asia/Shanghai", count: 3 });
    expect(ok.ok).toBe(true);
    if (!ok.ok) return;
    expect(ok.next).toHaveLength(3);
    for (const d of ok.next) {
      const h = Number(
        new Intl.DateTimeFormat("en", {
          timeZone: "Asia/Shanghai",
          hour: "numeric",
          hourCycle: "h23",
        }).format(d),
      );
      expect([23, 0, 1, 2, 3, 4, 5, 6, 7]).toContain(h);
    }
    expect(ok.text.en.length).toBeGreaterThan(5);
    expect(ok.text["zh-CN"]).toMatch(/[\u4e00-\u9fff]/);
    const bad = await viewer.jobs.previewCron({ cron: "0 25 * * *" });
    expect(bad.ok).toBe(false);
  });
});
