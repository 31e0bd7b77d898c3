/**
 * Issue 12 pages in a real browser: site list → site → server charts (recharts), on a desktop in
 * English and at 390 px in a WeChat browser in Chinese; no sideways scrolling on the phone.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../server/db/client";
import { formatLocal } from "../../server/lib/local-time";
import { ingestBytes } from "../../server/sites/ingest";
import { assignSiteUsers, createSite } from "../../server/sites/sites";
import { type RunningApp, startApp } from "../helpers/app";
import { desktop, launchBrowser, phone, screenshotPath } from "../helpers/browser";
import { ADMIN } from "../helpers/jobs";
import { makeUser } from "../helpers/users";

let app: RunningApp;
let browser: Browser;
let ctx: BrowserContext;
let page: Page;
const TZ = "Asia/Shanghai";

beforeAll(async () => {
  const olga = await makeUser("operator", "operator-pass", { username: "olga" });
  const site = await createSite(getDb(), ADMIN, { code: "SZ01", name: "深圳局点", timezone: TZ });
  await assignSiteUsers(getDb(), { ...ADMIN }, site.id, [olga.id]);
  const now = Date.now();
  const lines: string[] = [];
  for (let m = 180; m >= 1; m--) {
    const t = formatLocal(new Date(now - m * 60_000), TZ);
    for (const [name, ip] of [
      ["web1", "10.0.0.1"],
      ["db1", "10.0.0.2"],
    ]) {
      const idle = 40 + ((m * 13) % 50);
      lines.push(
        `${name}|${ip}|SZ01|cpu|${(100 - idle) * 0.7}|${(100 - idle) * 0.2}|${(100 - idle) * 0.1}|${idle}|${t}`,
      );
      lines.push(`${name}|${ip}|SZ01|mem|${6000 + m}|${2000 - m}|256|8192|${t}`);
      lines.push(`${name}|${ip}|SZ01|disk|/|${50 + (m % 5)}|100|${t}`);
      lines.push(`${name}|${ip}|SZ01|disk|/data|${900 + (m % 7)}|1000|${t}`);
    }
  }
  lines.push("web1|10.0.0.1|SZ01|cpu|not|a|number|line|2025-01-01 00:00:00");
  lines.push(`web1|10.0.0.1|SZ01|node|nginx|running|${formatLocal(new Date(now - 60_000), TZ)}`);
  await ingestBytes(getDb(), site, "info", "system_info_today.txt", Buffer.from(lines.join("\n")));
  const raised = formatLocal(new Date(now - 30 * 60_000), TZ);
  await ingestBytes(
    getDb(),
    site,
    "alarm",
    "system_alarm_today.txt",
    Buffer.from(`SZ01|磁盘空间不足|db1|/data 使用率 90%|${raised}||${raised}\n`),
  );
  const today = formatLocal(new Date(now), TZ).slice(0, 10);
  const yesterday = formatLocal(new Date(now - 86400_000), TZ).slice(0, 10);
  await ingestBytes(
    getDb(),
    site,
    "service",
    "system_service_today.txt",
    Buffer.from(
      `SZ01|80|4|12000|900|800|70|60|${yesterday} 23:00:00\nSZ01|90|5|12085|950|820|75|66|${today} 00:10:00\n`,
    ),
  );
  app = await startApp();
  browser = await launchBrowser();
  ctx = await desktop(browser);
  page = await ctx.newPage();
  await page.goto(`${app.url}/login`);
  await page.fill("#login", "olga");
  await page.fill("#password", "operator-pass");
  await page.click("button[type=submit]");
  await page.waitForURL(`${app.url}/`);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe("sites pages", () => {
  it("site list → site → server charts on a desktop", async () => {
    await page.goto(`${app.url}/sites`);
    const row = page.locator("table tbody tr").filter({ hasText: "SZ01" });
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.textContent()).toContain("2 of 2 reporting");
    expect(await row.textContent()).toContain("90 %");
    await page.screenshot({ path: screenshotPath("sites-en-1280x800"), fullPage: true });
    await row.getByRole("link").click();
    await page.waitForURL(/\/sites\/\d+$/);
    await expect.poll(() => page.getByText("system_info_today.txt:1441").count()).toBe(1);
    const siteUrl = page.url();
    await page.getByRole("link", { name: "Report", exact: true }).click();
    await page.waitForURL(/\/report$/);
    const reportRow = page.locator("table tbody tr").first();
    await expect.poll(() => reportRow.textContent()).toContain("12,085");
    expect(await reportRow.textContent()).toContain("+12.5%");
    await page.screenshot({ path: screenshotPath("site-report-en-1280x800"), fullPage: true });
    await page.goto(siteUrl);
    await page.locator("table tbody tr a", { hasText: "web1" }).click();
    await page.waitForURL(/\/sites\/servers\/\d+$/);
    // cpu, memory and the two disks, each drawn.
    await expect
      .poll(() => page.locator(".recharts-line").count(), { timeout: 15_000 })
      .toBeGreaterThanOrEqual(7);
    expect(await page.getByRole("heading", { name: "Disk used (%) — /data" }).count()).toBe(1);
    expect(await page.getByRole("heading", { name: "Running nodes" }).count()).toBe(1);
    expect(await page.getByText("nginx", { exact: true }).count()).toBe(1);
    await page.screenshot({ path: screenshotPath("server-en-1280x800"), fullPage: true });
    await page.getByRole("link", { name: "6h" }).click();
    await page.waitForURL(/range=6h$/);
    await expect.poll(() => page.locator(".recharts-line").count()).toBeGreaterThanOrEqual(7);
  }, 60_000);

  it("creates a site from the form: a bad zone is named on its field, then the site opens", async () => {
    await page.goto(`${app.url}/sites`);
    await page.getByTestId("site-new").click();
    await page.fill("#site-code", "GZ02");
    await page.fill("#site-name", "广州二");
    await page.fill("#site-baseUrl", "http://127.0.0.1:9/gz");
    await page.fill("#site-timezone", "Mars/Olympus");
    await page.getByTestId("site-save").click();
    await expect
      .poll(() => page.locator("#site-timezone-error").textContent())
      .toContain("unknown time zone");
    await page.fill("#site-timezone", "Asia/Shanghai");
    await page.getByTestId("site-save").click();
    await page.waitForURL(/\/sites\/\d+$/);
    await expect.poll(() => page.getByRole("heading", { name: "广州二 · GZ02" }).count()).toBe(1);
    expect(await page.getByRole("link", { name: /^#\d+$/ }).count()).toBe(1);
    // Its pull job is a job like any: its schedule can be edited, its mode and site stay.
    await page.getByRole("link", { name: /^#\d+$/ }).click();
    await page.waitForURL(/\/jobs\/\d+$/);
    const jobUrl = page.url();
    await page.goto(`${jobUrl}/edit`);
    await expect.poll(() => page.locator("#p-site").inputValue()).not.toBe("");
    await page.fill("#job-cron", "*/10 * * * *");
    await page.getByTestId("job-save").click();
    await page.waitForURL(jobUrl);
    await expect.poll(() => page.locator("main").textContent()).toContain("*/10 * * * *");
    expect(await page.locator("main").textContent()).toContain("Site pull");
  }, 60_000);

  it("at 390 px in WeChat, in Chinese, without sideways scrolling", async () => {
    const mobile = await phone(browser, await ctx.storageState());
    const p = await mobile.newPage();
    await p.goto(`${app.url}/sites`);
    expect(await p.locator("html").getAttribute("lang")).toBe("zh-CN");
    await expect.poll(() => p.getByRole("heading", { name: "局点" }).count()).toBeGreaterThan(0);
    await expect.poll(() => p.getByText("2 台中 2 台在上报").filter({ visible: true }).count()).toBe(1);
    expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await p.screenshot({ path: screenshotPath("sites-zh-390x844"), fullPage: true });
    await p
      .getByRole("link", { name: /深圳局点/ })
      .filter({ visible: true })
      .first()
      .click();
    await p.waitForURL(/\/sites\/\d+$/);
    await p.getByRole("link", { name: "db1" }).filter({ visible: true }).first().click();
    await p.waitForURL(/\/sites\/servers\/\d+$/);
    await expect
      .poll(() => p.locator(".recharts-line").count(), { timeout: 15_000 })
      .toBeGreaterThanOrEqual(7);
    expect(await p.getByRole("heading", { name: "内存使用率（%）" }).count()).toBe(1);
    expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await p.screenshot({ path: screenshotPath("server-zh-390x844"), fullPage: true });
    await p.goto(`${app.url}/alarms`);
    await expect.poll(() => p.getByText("磁盘空间不足").filter({ visible: true }).count()).toBe(1);
    expect(await p.getByText("未恢复").filter({ visible: true }).count()).toBeGreaterThan(0);
    expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await p.screenshot({ path: screenshotPath("alarms-zh-390x844"), fullPage: true });
    await mobile.close();
  }, 60_000);
  it("edits a site from its page; bad lines and the WeChat binding in the reader's language (en, zh-CN; 1280 and 390 px)", async () => {
    const state = await ctx.storageState();
    const contexts = {
      "en-1280x800": ctx,
      "zh-1280x800": await browser.newContext({
        viewport: { width: 1280, height: 800 },
        locale: "zh-CN",
        storageState: state,
      }),
      "zh-390x844": await phone(browser, state),
      "en-390x844": await browser.newContext({
        viewport: { width: 390, height: 844 },
        deviceScaleFactor: 2,
        isMobile: true,
        hasTouch: true,
        locale: "en-US",
        storageState: state,
      }),
    };
    await page.goto(`${app.url}/sites`);
    await page.locator("table tbody tr").filter({ hasText: "SZ01" }).getByRole("link").click();
    await page.waitForURL(/\/sites\/\d+$/);
    const siteUrl = page.url();
    await expect.poll(() => page.getByText('user_use: "not" is not a number').count()).toBe(1);
    await page.getByTestId("site-edit").click();
    await page.fill("#site-timezone", "Mars/Olympus");
    await page.getByTestId("site-update").click();
    await expect
      .poll(() => page.locator("#site-timezone-error").textContent())
      .toContain("unknown time zone");
    await page.fill("#site-timezone", "Asia/Shanghai");
    await page.fill("#site-name", "深圳局点（南山）");
    await page.fill("#site-baseUrl", "http://127.0.0.1:9/sz");
    await page.fill("#site-pullCron", "*/15 * * * *");
    await page.getByTestId("site-update").click();
    await expect.poll(() => page.getByRole("heading", { name: "深圳局点（南山） · SZ01" }).count()).toBe(1);
    expect(await page.getByRole("link", { name: /^#\d+$/ }).count()).toBe(1);
    for (const [name, c] of Object.entries(contexts)) {
      const p = c === ctx ? page : await c.newPage();
      await p.goto(siteUrl);
      const zh = name.startsWith("zh");
      await expect
        .poll(() => p.getByText(zh ? "user_use：“not”不是数字" : 'user_use: "not" is not a number').count())
        .toBe(1);
      await p.getByTestId("site-edit").click();
      await expect.poll(() => p.locator("#site-pullCron").inputValue()).toBe("*/15 * * * *");
      await p.screenshot({ path: screenshotPath(`site-edit-${name}`), fullPage: true });
      expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        name.endsWith("390x844") ? 390 : 1280,
      );
      await p.goto(`${app.url}/account`);
      await p.getByTestId("wechat-make-code").click();
      await expect
        .poll(() => p.getByTestId("wechat-code").textContent())
        .toMatch(zh ? /绑定 [A-Z0-9]{8}/ : /bind [A-Z0-9]{8}/);
      await p.screenshot({ path: screenshotPath(`account-wechat-${name}`), fullPage: true });
      expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        name.endsWith("390x844") ? 390 : 1280,
      );
      if (c !== ctx) await c.close();
    }
  }, 120_000);
});
