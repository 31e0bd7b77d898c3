import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { handleCompat } from "../../server/api/compat/handle";
import { handleV1 } from "../../server/api/v1/handle";
import { cronRefusal, explainCronError, parseCron } from "../../server/cron/cron";
import { getDb } from "../../server/db/client";
import { jobs } from "../../server/db/schema";
import { renderMsg } from "../../server/i18n/errors";
import { recomputeNextFires, restartJob, stopJob } from "../../server/jobs/jobs";
import { fireDueJobs } from "../../server/schedule/fire";
import { tokenFor } from "../api/helpers";
import { ADMIN, jobRow, makeJob } from "../helpers/jobs";
import { callerFor, makeUser } from "../helpers/users";

const fires = (expression: string, timezone: string, after: string, n: number, anchor?: string) =>
  parseCron(expression, timezone, anchor ? new Date(anchor) : undefined)
    .nextN(new Date(after), n)
    .map((d) => d.toISOString());

describe("cron descriptors", () => {
  const SAME: [string, string][] = [
    ["@yearly", "0 0 1 1 *"],
    ["@annually", "0 0 1 1 *"],
    ["@monthly", "0 0 1 * *"],
    ["@weekly", "0 0 * * 0"],
    ["@daily", "0 0 * * *"],
    ["@midnight", "0 0 * * *"],
    ["@hourly", "0 * * * *"],
  ];
  it.each(SAME)("%s fires as %s, in the job's zone and across DST", (descriptor, fields) => {
    for (const zone of ["UTC", "Asia/Shanghai", "America/New_York"]) {
      // 2026-03-08 is New York's spring-forward: the hourly and daily ones cross it.
      const after = "2026-03-07T12:00:00Z";
      expect(fires(descriptor, zone, after, 30), `${descriptor} ${zone}`).toEqual(
        fires(fields, zone, after, 30),
      );
    }
  });

  it("reads them in any case and keeps them as written", () => {
    const s = parseCron("  @Daily ", "UTC");
    expect(s.expression).toBe("@Daily");
    expect(s.normalized).toBe("0 0 0 * * *");
    expect(s.next(new Date("2026-01-01T10:00:00Z"))?.toISOString()).toBe("2026-01-02T00:00:00.000Z");
  });

  it("describes them in words in both languages", () => {
    expect(parseCron("@daily", "UTC").describe("en")).toBe("At 00:00");
    expect(parseCron("@daily", "UTC").describe("zh-CN")).toBe("每天 00:00");
    expect(parseCron("@hourly", "UTC").describe("en")).toBe("Every hour");
    expect(parseCron("@yearly", "UTC").describe("en")).toContain("January");
    expect(parseCron("@weekly", "UTC").describe("zh-CN")).toBe("每周日 00:00");
    expect(parseCron("@hourly", "UTC").describe("zh-CN")).toBe("每小时整点");
  });

  it("refuses an unknown @ word, listing what is accepted", () => {
    expect(explainCronError("@reboot", "UTC")).toMatch(
      /"@reboot" is not a schedule; use @yearly.*@every <duration>/,
    );
    expect(explainCronError("@daily 5", "UTC")).toMatch(/not a schedule/);
    // In the reader's language, through the catalogs (errors.cron.*).
    const zh = (e: string) => {
      const m = cronRefusal(e, "UTC")?.msg;
      return m ? renderMsg(m, "zh-CN") : "";
    };
    expect(zh("@reboot")).toMatch(/^“@reboot” 不是有效的调度/);
    expect(zh("@every 1d")).toBe(
      "@every “1d” 不是有效的时长；请写数字加单位 h、m、s（或 ms），例如 10s、90m、1h30m",
    );
    expect(zh("@every 500ms")).toBe("@every 500ms 短于最小间隔 1s");
  });
});

describe("@every <duration>", () => {
  const ANCHOR = "2026-01-01T00:00:07.400Z";

  it("reads Go durations", () => {
    const interval = (e: string) => {
      const [a, b] = parseCron(e, "UTC", new Date(0)).nextN(new Date(0), 2);
      return (b?.getTime() ?? 0) - (a?.getTime() ?? 0);
    };
    expect(interval("@every 10s")).toBe(10_000);
    expect(interval("@every 1h30m")).toBe(5_400_000);
    expect(interval("@every 1.5h")).toBe(5_400_000);
    expect(interval("@every 90m")).toBe(5_400_000);
    expect(interval("@EVERY 2m500ms500ms")).toBe(121_000);
    expect(interval("@every 8784h")).toBe(8784 * 3_600_000);
    expect(parseCron("@every 90m", "UTC").normalized).toBe("@every 1h30m");
  });

  it.each([
    ["@every", /needs a duration/],
    ["@every 10", /is not a duration/],
    ["@every 1d", /is not a duration/],
    ["@every 10 s", /is not a duration/],
    ["@every -5s", /is not a duration/],
    ["@every 0s", /shorter than the smallest interval, 1s/],
    ["@every 500ms", /shorter than the smallest interval/],
    ["@every 1.5s", /not a whole number of seconds/],
    ["@every 8785h", /longer than the longest interval/],
  ])("refuses %s", (expression, message) => {
    expect(explainCronError(expression, "UTC")).toMatch(message);
  });

  it("still checks the time zone", () => {
    expect(explainCronError("@every 10s", "Mars/Base")).toMatch(/Unknown time zone/);
  });

  it("fires at anchor + k × interval (whole second), strictly after the instant asked about", () => {
    expect(fires("@every 10s", "UTC", ANCHOR, 3, ANCHOR)).toEqual([
      "2026-01-01T00:00:17.000Z",
      "2026-01-01T00:00:27.000Z",
      "2026-01-01T00:00:37.000Z",
    ]);
    // From any later instant, the next point of the same grid.
    expect(fires("@every 10s", "UTC", "2026-01-01T05:00:27Z", 2, ANCHOR)).toEqual([
      "2026-01-01T05:00:37.000Z",
      "2026-01-01T05:00:47.000Z",
    ]);
    // Before the anchor: its first fire.
    expect(fires("@every 1h", "UTC", "2025-12-30T00:00:00Z", 1, ANCHOR)).toEqual([
      "2026-01-01T01:00:07.000Z",
    ]);
  });

  it("is real elapsed time: the zone and DST do not move it", () => {
    const anchor = "2026-03-08T06:00:00Z"; // 01:00 EST, an hour before New York springs forward
    expect(fires("@every 1h", "America/New_York", anchor, 3, anchor)).toEqual(
      fires("@every 1h", "UTC", anchor, 3, anchor),
    );
    expect(fires("@every 1h", "America/New_York", anchor, 2, anchor)).toEqual([
      "2026-03-08T07:00:00.000Z",
      "2026-03-08T08:00:00.000Z",
    ]);
  });

  it("counts from the instant asked about when there is no anchor (the preview of a new job)", () => {
    expect(fires("@every 1m", "UTC", "2026-01-01T10:00:30.500Z", 2)).toEqual([
      "2026-01-01T10:01:30.000Z",
      "2026-01-01T10:02:30.000Z",
    ]);
  });

  it("describes the interval in words in both languages", () => {
    expect(parseCron("@every 10s", "UTC").describe("en")).toBe(
      "Every 10 seconds, counted from the job's creation",
    );
    expect(parseCron("@every 1h30m", "UTC").describe("en")).toBe(
      "Every 1 hour 30 minutes, counted from the job's creation",
    );
    expect(parseCron("@every 1m", "UTC").describe("en")).toBe(
      "Every 1 minute, counted from the job's creation",
    );
    expect(parseCron("@every 1h30m5s", "UTC").describe("zh-CN")).toBe(
      "每 1 小时 30 分钟 5 秒（从任务创建时起算）",
    );
  });
});

describe("descriptors in every entry point", () => {
  it("accepts them through the jobs domain, tRPC, the TimerJobs API and /api/v1", async () => {
    const { token } = await tokenFor("admin");
    const auth = { authorization: `Bearer ${token}`, "content-type": "application/json" };
    const domain = await makeJob({ mode: "http", command: "【url】http://127.0.0.1:9/", cron: "@weekly" });
    expect(domain.cron).toBe("@weekly");

    const caller = callerFor(await makeUser("admin"));
    const viaTrpc = await caller.jobs.create({
      name: "every via trpc",
      cron: "@every 1h30m",
      timezone: "UTC",
      mode: "http",
      command: "【url】http://127.0.0.1:9/",
    });
    expect(viaTrpc.cron).toBe("@every 1h30m");
    const preview = await caller.jobs.previewCron({ cron: "@every 10s", count: 2, jobId: viaTrpc.id });
    expect(preview).toMatchObject({ ok: true, normalized: "@every 10s" });

    const compat = await handleCompat(
      new Request("http://localhost/jobs/add", {
        method: "POST",
        headers: auth,
        body: JSON.stringify({
          name: "every via timerjobs",
          desc: "",
          cron_expr: "@every 10s",
          mode: "http",
          command: "【url】http://127.0.0.1:9/",
          state: 2,
          allow_mode: 0,
          max_run_count: 0,
        }),
      }),
      "/jobs/add",
    );
    expect(await compat.json()).toMatchObject({ code: 200 });
    const bad = await handleCompat(
      new Request("http://localhost/jobs/add", {
        method: "POST",
        headers: auth,
        body: JSON.stringify({
          name: "bad every",
          desc: "",
          cron_expr: "@every 1d",
          mode: "http",
          command: "【url】http://127.0.0.1:9/",
          state: 2,
          allow_mode: 0,
          max_run_count: 0,
        }),
      }),
      "/jobs/add",
    );
    expect(await bad.json()).toMatchObject({
      code: 400,
      msg: expect.stringMatching(/^cron_expr: @every "1d"/),
    });

    const v1 = await handleV1(
      new Request("http://localhost/api/v1/jobs", {
        method: "POST",
        headers: auth,
        body: JSON.stringify({
          name: "every via v1",
          cron: "@midnight",
          timezone: "Asia/Shanghai",
          mode: "http",
          params: { url: "http://127.0.0.1:9/" },
          state: "stopped",
        }),
      }),
      "/jobs",
    );
    expect(v1.status).toBe(201);
    expect(await v1.json()).toMatchObject({ cron: "@midnight" });
  });
});

describe("@every in the scheduler", () => {
  it("fires on the creation grid, across misfires, restarts and recalibration", async () => {
    const job = await makeJob({ mode: "http", command: "【url】http://127.0.0.1:9/", cron: "@every 10s" });
    const row = await jobRow(job.id);
    if (!row?.nextFireAt) throw new Error("no next fire");
    const anchor = Math.floor(row.createdAt.getTime() / 1000) * 1000;
    const grid = (ms: number) => (ms - anchor) % 10_000 === 0;
    expect(row.nextFireAt.getTime()).toBe(anchor + 10_000);

    // Keep the other schedules of this file's database out of the way.
    await getDb()
      .update(jobs)
      .set({ state: "stopped", nextFireAt: null })
      .where(eq(jobs.state, "waiting"))
      .then(() =>
        getDb().update(jobs).set({ state: "waiting", nextFireAt: row.nextFireAt }).where(eq(jobs.id, job.id)),
      );

    const fire = (now: number) => fireDueJobs(getDb(), new Date(now), { batchSize: 100, graceMs: 5_000 });
    const first = anchor + 10_000;
    expect((await fire(first)).created).toBe(1);
    expect((await jobRow(job.id))?.nextFireAt?.getTime()).toBe(anchor + 20_000);

    // A worker that comes back 95.5 s late (misfire, run once): the next fire is on the grid.
    const late = anchor + 20_000 + 95_500;
    expect((await fire(late)).created).toBe(1);
    const afterMisfire = (await jobRow(job.id))?.nextFireAt?.getTime() ?? 0;
    expect(afterMisfire).toBe(anchor + 120_000);
    expect(afterMisfire).toBeGreaterThan(late);

    await stopJob(getDb(), ADMIN, job.id);
    const restarted = await restartJob(getDb(), ADMIN, job.id);
    expect(grid(restarted.nextFireAt?.getTime() ?? 1)).toBe(true);
    expect(restarted.nextFireAt?.getTime()).toBeGreaterThan(Date.now() - 1);
    expect(restarted.nextFireAt?.getTime()).toBeLessThanOrEqual(Date.now() + 10_000);

    await recomputeNextFires(getDb(), ADMIN);
    expect(grid((await jobRow(job.id))?.nextFireAt?.getTime() ?? 1)).toBe(true);
  });
});
