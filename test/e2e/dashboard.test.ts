import type { Browser, BrowserContext, ConsoleMessage, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../server/db/client";
import { runs } from "../../server/db/schema";
import { setSchedulerPaused } from "../../server/jobs/jobs";
import { type RunningApp, startApp } from "../helpers/app";
import { desktop, launchBrowser, phone, screenshotPath } from "../helpers/browser";
import { ADMIN, type HitServer, makeJob, startHitServer } from "../helpers/jobs";
import { makeUser } from "../helpers/users";

let app: RunningApp;
let peer: HitServer;
let browser: Browser;
let ctx: BrowserContext;
let page: Page;
const errors: string[] = [];
const LONG_NAME = "nightly reconciliation of the settlement ledger against the statements of every bank";
const LONG_CRON = "0 0/15 8-18,20,22 1-5,10-15,20-25 1,3,5,7,9,11 ?";
let failedRunId = 0;

const noSidewaysScroll = (p: Page) =>
  p.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
const watchConsole = (p: Page) =>
  p.on("console", (m: ConsoleMessage) => {
    if (m.type() === "error") errors.push(m.text());
  });

beforeAll(async () => {
  await makeUser("admin", "admin-password", { username: "fay" });
  peer = await startHitServer();
  // Fires every 10 minutes (next hour: 6 times); the long one by a long cron, both far enough
  // in the future that nothing runs during the test.
  const soon = await makeJob({
    mode: "http",
    name: "hourly ping",
    cron: "*/10 * * * *",
    command: `【url】${peer.url}/ok`,
  });
  const long = await makeJob({
    mode: "http",
    name: LONG_NAME,
    cron: LONG_CRON,
    command: `【url】${peer.url}/ok`,
  });
  await makeJob({ mode: "http", name: "stopped one", state: "stopped", command: `【url】${peer.url}/ok` });
  const now = Date.now();
  const at = (minsAgo: number) => new Date(now - minsAgo * 60_000);
  const inserted = await getDb()
    .insert(runs)
    .values([
      ...[5, 65, 125, 185].map((m) => ({
        jobId: soon.id,
        trigger: "schedule" as const,
        scheduledAt: at(m),
        startedAt: at(m),
        finishedAt: at(m),
        status: "succeeded" as const,
      })),
      {
        jobId: long.id,
        trigger: "schedule" as const,
        scheduledAt: at(30),
        startedAt: at(30),
        finishedAt: at(29),
        status: "failed" as const,
        error: "HTTP 503",
      },
      {
        jobId: soon.id,
        trigger: "schedule" as const,
        scheduledAt: at(3 * 24 * 60),
        startedAt: at(3 * 24 * 60),
        finishedAt: at(3 * 24 * 60),
        status: "timed_out" as const,
        error: "timed out after 30 s",
      },
    ])
    .returning({ id: runs.id, status: runs.status });
  failedRunId = inserted.find((r) => r.status === "failed")?.id ?? 0;
  app = await startApp();
  browser = await launchBrowser();
  ctx = await desktop(browser);
  page = await ctx.newPage();
  watchConsole(page);
  await page.goto(`${app.url}/login`);
  await page.fill("#login", "fay");
  await page.fill("#password", "admin-password");
  await page.click("button[type=submit]");
  await page.waitForURL(`${app.url}/`);
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await peer?.close();
});

describe("dashboard (desktop, English)", () => {
  it("shows job counts, the next hour, recent failures with a link, the runs chart, then health", async () => {
    await page.goto(`${app.url}/`);
    const counts = page.getByTestId("job-counts");
    await expect.poll(() => counts.textContent()).toMatch(/Waiting2.*Running0.*Stopped1/);
    const next = page.getByTestId("next-fires");
    expect(await next.textContent()).toContain("hourly ping");
    expect(await next.textContent()).toMatch(/6 times this hour|5 times this hour/);
    const failures = page.getByTestId("recent-failures");
    expect(await failures.textContent()).toContain("HTTP 503");
    expect(await failures.textContent()).toContain("timed out after 30 s");
    // Bars drawn from server-side buckets: 24 hourly points, 7 daily ones after the switch.
    await expect
      .poll(() => page.locator("[data-testid=runs-chart] .recharts-bar-rectangle").count())
      .toBeGreaterThan(0);
    expect(
      await page.locator("[data-testid=runs-chart] .recharts-xAxis .recharts-cartesian-axis-tick").count(),
    ).toBeGreaterThan(3);
    await page.screenshot({ path: screenshotPath("dashboard-en-1280x800"), fullPage: true });
    await page.getByTestId("chart-7d").click();
    await expect.poll(() => page.getByTestId("chart-7d").getAttribute("aria-pressed")).toBe("true");
    // The timed-out run three days ago is in the 7-day view as a failed bar segment.
    await expect
      .poll(() =>
        page.locator("[data-testid=runs-chart] .recharts-bar-rectangle path[fill='#dc2626']").count(),
      )
      .toBe(2);
    const lag = await page.getByTestId("scheduler-lag").textContent();
    expect(lag).toContain("Catch-up runs after a pause or downtime are not counted as lag.");
    expect(await noSidewaysScroll(page)).toBe(true);
    await page.screenshot({ path: screenshotPath("dashboard-7d-en-1280x800"), fullPage: true });
    await failures.getByRole("link", { name: new RegExp(`run #${failedRunId}`) }).click();
    await page.waitForURL(`${app.url}/runs/${failedRunId}`);
  });

  it("lists keep a long name and a long cron on one line, the full text on hover", async () => {
    await page.goto(`${app.url}/jobs`);
    const name = page.locator(`table [title="${LONG_NAME}"]`);
    await expect.poll(() => name.count()).toBe(1);
    const box = await name.evaluate((el) => ({
      cut: el.scrollWidth > el.clientWidth,
      lines: Math.round(
        el.getBoundingClientRect().height / Number.parseFloat(getComputedStyle(el).lineHeight),
      ),
    }));
    expect(box).toEqual({ cut: true, lines: 1 });
    const cron = page.locator(`table [title="${LONG_CRON}"]`);
    expect(await cron.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
    // Dates stay on one line.
    const times = await page
      .locator("table time")
      .evaluateAll((els) =>
        els.map(
          (el) => el.getBoundingClientRect().height < 2 * Number.parseFloat(getComputedStyle(el).lineHeight),
        ),
      );
    expect(times.length).toBeGreaterThan(0);
    expect(times.every(Boolean)).toBe(true);
    expect(await noSidewaysScroll(page)).toBe(true);
    await page.screenshot({ path: screenshotPath("jobs-truncated-en-1280x800") });
    expect(errors).toEqual([]);
  });
});

describe("dashboard and lists (WeChat phone, 中文)", () => {
  it("reads in Chinese without sideways scroll; a tap unfolds a cut cron; resume says how missed fires run", async () => {
    const c = await phone(browser, await ctx.storageState());
    const p = await c.newPage();
    watchConsole(p);
    await p.goto(`${app.url}/`);
    await expect.poll(() => p.getByTestId("job-counts").textContent()).toMatch(/等待中2.*运行中0.*已停止1/);
    expect(await p.locator("main").textContent()).toContain("未来一小时");
    expect(await p.getByTestId("recent-failures").textContent()).toContain(`运行 #${failedRunId}`);
    expect(await p.getByTestId("scheduler-lag").textContent()).toContain("暂停或停机后的补跑不计入延迟。");
    await expect
      .poll(() => p.locator("[data-testid=runs-chart] .recharts-bar-rectangle").count())
      .toBeGreaterThan(0);
    expect(await noSidewaysScroll(p)).toBe(true);
    // The long job name in recent failures is cut inside its card, not widening the page.
    expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await p.screenshot({ path: screenshotPath("dashboard-zh-390x844-wechat"), fullPage: true });

    await setSchedulerPaused(getDb(), ADMIN, true);
    await p.goto(`${app.url}/jobs`);
    const cron = p.locator(`li [title="${LONG_CRON}"]`);
    await expect.poll(() => cron.count()).toBe(1);
    expect(await cron.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
    await cron.tap();
    await expect.poll(() => cron.getAttribute("aria-expanded")).toBe("true");
    expect(await cron.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(false);
    expect(await noSidewaysScroll(p)).toBe(true);
    await p.getByRole("button", { name: "全部恢复" }).click();
    await expect.poll(() => p.getByTestId("resumed").textContent()).toContain("错过策略");
    await p.screenshot({ path: screenshotPath("jobs-resumed-zh-390x844-wechat"), fullPage: true });
    expect(errors).toEqual([]);
    await c.close();
  });
});
