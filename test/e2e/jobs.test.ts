import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningApp, startApp } from "../helpers/app";
import { desktop, launchBrowser, phone, screenshotPath } from "../helpers/browser";
import { type HitServer, jobRow, startHitServer } from "../helpers/jobs";
import { makeUser } from "../helpers/users";

let app: RunningApp;
let peer: HitServer;
let browser: Browser;
let ctx: BrowserContext;
let page: Page;
let jobUrl = "";

beforeAll(async () => {
  await makeUser("admin", "admin-password", { username: "ada" });
  peer = await startHitServer();
  app = await startApp();
  browser = await launchBrowser();
  ctx = await desktop(browser);
  page = await ctx.newPage();
  await page.goto(`${app.url}/login`);
  await page.fill("#login", "ada");
  await page.fill("#password", "admin-password");
  await page.click("button[type=submit]");
  await page.waitForURL(`${app.url}/`);
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await peer?.close();
});

describe("jobs and runs pages", () => {
  it("starts empty, saying what to do", async () => {
    await page.goto(`${app.url}/jobs`);
    await expect.poll(() => page.getByText("No jobs yet").count()).toBe(1);
    await page.screenshot({ path: screenshotPath("jobs-empty-en-1280x800") });
  });

  it("explains a cron as it is typed, and refuses an invalid one on its field", async () => {
    await page.goto(`${app.url}/jobs/new`);
    await page.fill("#job-name", "health check");
    await page.fill("#job-tz", "Asia/Shanghai");
    await page.fill("#job-cron", "0 23-7/1 * * *");
    await expect
      .poll(() => page.getByTestId("cron-preview").textContent())
      .toMatch(/11:00 PM|23:00|between/i);
    expect(await page.getByTestId("cron-preview").locator("li").count()).toBe(5);
    await page.fill("#job-cron", "0 25 * * *");
    await expect.poll(() => page.getByTestId("cron-preview").textContent()).toContain("Invalid schedule");
    await page.fill("#p-url", `${peer.url}/health`);
    await page.getByTestId("job-save").click();
    await expect.poll(() => page.locator("#job-cron-error").textContent()).toMatch(/hour 25|out of range/);
    expect(new URL(page.url()).pathname).toBe("/jobs/new");
  });

  it("shows the parameters as the seed's 【key】value text and back", async () => {
    await page.fill("#job-cron", "*/2 * * * * *");
    await page.getByRole("tab", { name: "Text (【key】value)" }).click();
    const text = page.locator("#job-text");
    expect(await text.inputValue()).toBe(`【url】${peer.url}/health\n【mode】GET`);
    await text.fill(`【url】${peer.url}/health\n【mode】GET\n【times】2`);
    await page.getByRole("tab", { name: "Form" }).click();
    expect(await page.locator("#p-times").inputValue()).toBe("2");
    await page.screenshot({ path: screenshotPath("job-new-en-1280x800"), fullPage: true });
  });

  it("saves the job; its runs appear live and hit the HTTP server", async () => {
    // The behaviour card's whole-number settings reach the job as numbers.
    await page.fill("#job-catchup", "3");
    await page.fill("#job-retries", "2");
    await page.fill("#job-backoff", "15");
    await page.getByTestId("job-save").click();
    await page.waitForURL(/\/jobs\/\d+$/);
    jobUrl = page.url();
    expect(await jobRow(Number(jobUrl.split("/").pop()))).toMatchObject({
      catchUpLimit: 3,
      retries: 2,
      retryBackoffSeconds: 15,
      maxRunCount: 0,
      timeoutSeconds: null,
    });
    expect(await page.getByTestId("command-text").textContent()).toBe(
      `【url】${peer.url}/health\n【mode】GET\n【times】2`,
    );
    await expect.poll(() => page.locator("table tbody tr").count(), { timeout: 10_000 }).toBeGreaterThan(0);
    // The scheduler queues fires up to 2.5 s ahead: the newest row of an every-2-second job
    // may be the next fire, still queued; a row below it shows the last one that ran.
    await expect
      .poll(() => page.locator("table tbody tr", { hasText: "Succeeded" }).count(), { timeout: 10_000 })
      .toBeGreaterThan(0);
    expect(peer.hits.filter((h) => h.path === "/health").length).toBeGreaterThanOrEqual(2);
    await page.screenshot({ path: screenshotPath("job-detail-en-1280x800") });
  });

  it("lists the job with its next fire and last status", async () => {
    await page.goto(`${app.url}/jobs`);
    const row = page.locator("table tbody tr").first();
    await expect.poll(() => row.textContent()).toContain("health check");
    expect(await row.textContent()).toContain("*/2 * * * * *");
    expect(await row.textContent()).toContain("Succeeded");
    await page.screenshot({ path: screenshotPath("jobs-en-1280x800") });
  });

  it("runs a command by hand, tails its output live, and stops it", async () => {
    await page.goto(`${app.url}/jobs/new`);
    await page.fill("#job-name", "long command");
    await page.fill("#job-cron", "0 0 1 1 *");
    await page.selectOption("#job-mode", "command");
    await page.fill("#p-command", "sh -c 'for i in 1 2 3 4 5 6 7 8 9 10; do echo line $i; sleep 1; done'");
    await page.getByTestId("job-save").click();
    await page.waitForURL(/\/jobs\/\d+$/);
    await page.getByTestId("job-run-now").click();
    await page.waitForURL(/\/runs\/\d+$/);
    await expect
      .poll(() => page.getByTestId("run-output").textContent(), { timeout: 10_000 })
      .toContain("line 2");
    await page.screenshot({ path: screenshotPath("run-live-en-1280x800") });
    await page.getByTestId("run-stop").click();
    await expect
      .poll(() => page.getByTestId("run-status").textContent(), { timeout: 10_000 })
      .toBe("Cancelled");
    expect(await page.getByTestId("run-output").textContent()).toContain("[stopped on request]");
    // The full output downloads as a file.
    const href = await page.getByRole("link", { name: "Download output" }).getAttribute("href");
    const res = await ctx.request.get(`${app.url}${href}`);
    expect(await res.text()).toContain("line 1");
  });

  it("filters runs by status", async () => {
    await page.goto(`${app.url}/runs?status=cancelled`);
    await expect.poll(() => page.locator("table tbody tr").count()).toBe(1);
    await page.goto(`${app.url}/runs`);
    await expect.poll(() => page.locator("table tbody tr").count()).toBeGreaterThan(2);
    await page.screenshot({ path: screenshotPath("runs-en-1280x800") });
  });

  it("reads well on a phone in Chinese", async () => {
    const p = await (await phone(browser, await ctx.storageState())).newPage();
    await p.goto(`${app.url}/jobs`);
    await expect.poll(() => p.locator("main li").count()).toBeGreaterThan(1);
    expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await p.screenshot({ path: screenshotPath("jobs-zh-390x844-wechat") });
    await p.goto(jobUrl);
    expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await p.screenshot({ path: screenshotPath("job-detail-zh-390x844-wechat"), fullPage: true });
    await p.goto(`${app.url}/jobs/new`);
    expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await p.screenshot({ path: screenshotPath("job-new-zh-390x844-wechat"), fullPage: true });
    await p.goto(`${app.url}/runs`);
    await p.screenshot({ path: screenshotPath("runs-zh-390x844-wechat") });
  });
});
