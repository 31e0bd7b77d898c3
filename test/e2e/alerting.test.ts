/**
 * Issue 12 alerting pages in a real browser, in Chinese: Admin › Webhooks (a secret typed in is
 * never shown back, the robot's key is hidden in the URL), the site page's threshold rules and
 * webhooks, and the alarm page's acknowledge, silences and maintenance windows — at 1280×800
 * and at 390×844 without sideways scrolling.
 */
import { sql } from "drizzle-orm";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { getDb } from "../../server/db/client";
import { formatLocal } from "../../server/lib/local-time";
import { ingestBytes } from "../../server/sites/ingest";
import { createSite } from "../../server/sites/sites";
import { type RunningApp, startApp } from "../helpers/app";
import { desktop, launchBrowser, phone, screenshotPath } from "../helpers/browser";
import { ADMIN } from "../helpers/jobs";
import { makeUser } from "../helpers/users";

let app: RunningApp;
let browser: Browser;
let ctx: BrowserContext;
let page: Page;
let siteId: number;
const TZ = "Asia/Shanghai";

beforeAll(async () => {
  await makeUser("admin", "admin-pass-1", { username: "ada" });
  const site = await createSite(getDb(), ADMIN, { code: "HZ09", name: "杭州九", timezone: TZ });
  siteId = site.id;
  const raised = formatLocal(new Date(Date.now() - 20 * 60_000), TZ);
  await ingestBytes(
    getDb(),
    site,
    "alarm",
    "system_alarm_today.txt",
    Buffer.from(
      `HZ09|链路中断|gw1|上行链路丢失|${raised}||${raised}\nHZ09|风扇故障|srv2|2 号风扇停转|${raised}||${raised}\n`,
    ),
  );
  app = await startApp();
  browser = await launchBrowser();
  ctx = await desktop(browser, "zh-CN");
  page = await ctx.newPage();
  await page.goto(`${app.url}/login`);
  await page.fill("#login", "ada");
  await page.fill("#password", "admin-pass-1");
  await page.click("button[type=submit]");
  await page.waitForURL(`${app.url}/`);
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const noSideways = (p: Page) => p.evaluate(() => document.documentElement.scrollWidth);

it("manages webhooks, rules, acknowledgements, silences and windows in Chinese", async () => {
  await page.goto(`${app.url}/admin/webhooks`);
  await page.fill("#wh-name", "运维群");
  await page.selectOption("#wh-kind", "dingtalk");
  await page.fill("#wh-url", "https://oapi.dingtalk.com/robot/send?access_token=TOKEN123");
  await page.fill("#wh-secret", "SECabcdef");
  await page.getByRole("button", { name: "添加 Webhook" }).click();
  await expect.poll(() => page.getByText("已添加 Webhook 运维群。").count()).toBe(1);
  const main = () => page.locator("main").textContent();
  await expect.poll(main).toContain("已设置密钥");
  expect(await main()).not.toContain("SECabcdef");
  expect(await main()).not.toContain("TOKEN123");
  await page.screenshot({ path: screenshotPath("webhooks-zh-1280x800"), fullPage: true });

  await page.goto(`${app.url}/sites/${siteId}`);
  await page.fill("#rule-name", "磁盘将满");
  await page.selectOption("#rule-kind", "disk_used_above");
  await page.fill("#rule-threshold", "150");
  await page.getByRole("button", { name: "添加规则" }).click();
  await expect.poll(() => page.locator("#rule-threshold-error").count()).toBe(1);
  await page.fill("#rule-threshold", "90");
  await page.getByRole("button", { name: "添加规则" }).click();
  await expect
    .poll(() => page.getByTestId("rules").textContent())
    .toMatch(/磁盘使用率高于\s?90\s?%，持续\s?5\s?分钟/);
  await page.getByLabel(/运维群/).check();
  await page.getByRole("button", { name: "保存 Webhook" }).click();
  await expect.poll(() => page.getByText("已保存。").count()).toBe(1);
  const [route] = await getDb().execute(sql`select 1 from webhook_routes where subject_id = ${siteId}`);
  expect(route).toBeTruthy();
  await page.screenshot({ path: screenshotPath("site-rules-zh-1280x800"), fullPage: true });

  await page.goto(`${app.url}/alarms`);
  const row = page.locator("table tbody tr").filter({ hasText: "风扇故障" });
  await row.getByRole("button", { name: "确认" }).click();
  await expect.poll(() => row.textContent()).toContain("已确认");
  await page.getByRole("button", { name: "添加条件" }).click();
  await page.getByLabel("值").fill("链路.*");
  await page.getByLabel("运算符").selectOption("=~");
  await page.fill("#silence-comment", "割接");
  await page.getByRole("button", { name: "静默", exact: true }).click();
  await expect.poll(() => page.getByTestId("silences").textContent()).toContain("链路.*");
  await expect
    .poll(() => page.locator("table tbody tr").filter({ hasText: "链路中断" }).textContent())
    .toContain("已静默");
  await page.fill("#window-comment", "机房断电检修");
  await page.getByRole("button", { name: "添加窗口" }).click();
  await expect.poll(() => page.getByTestId("windows").textContent()).toContain("机房断电检修");
  await page.screenshot({ path: screenshotPath("alarms-alerting-zh-1280x800"), fullPage: true });
}, 120_000);

it("reads at 390 px in WeChat without sideways scrolling", async () => {
  const mobile = await phone(browser, await ctx.storageState());
  const p = await mobile.newPage();
  for (const [path, name] of [
    ["/admin/webhooks", "webhooks"],
    [`/sites/${siteId}`, "site-rules"],
    ["/alarms", "alarms-alerting"],
  ] as const) {
    await p.goto(`${app.url}${path}`);
    await p.waitForLoadState("networkidle");
    expect(await noSideways(p), path).toBeLessThanOrEqual(390);
    await p.screenshot({ path: screenshotPath(`${name}-zh-390x844`), fullPage: true });
  }
  await mobile.close();
}, 60_000);
