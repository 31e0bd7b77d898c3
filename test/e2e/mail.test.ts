import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningApp, startApp } from "../helpers/app";
import { desktop, launchBrowser, phone, screenshotPath } from "../helpers/browser";
import { makeUser } from "../helpers/users";

let app: RunningApp;
let browser: Browser;
let ctx: BrowserContext;
let page: Page;

beforeAll(async () => {
  await makeUser("operator", "operator-pass", { username: "olga" });
  await makeUser("viewer", "viewer-pass", { username: "victor" });
  app = await startApp();
  browser = await launchBrowser();
  ctx = await desktop(browser);
  page = await ctx.newPage();
  await page.goto(`${app.url}/login`);
  await page.fill("#login", "olga");
  await page.fill("#password", "operator-pass");
  await page.click("button[type=submit]");
  await page.waitForURL(`${app.url}/`);
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe("mail pages (no transport configured: mail is kept)", () => {
  it("shows the empty state, then a test mail recorded and kept", async () => {
    await page.goto(`${app.url}/mail`);
    await expect.poll(() => page.getByText("No mail yet").count()).toBe(1);
    await page.fill("#test-to", "not-an-address");
    await page.getByRole("button", { name: "Send a test mail" }).click();
    await expect
      .poll(() => page.locator("#test-to-error").textContent())
      .toContain("not a valid email address");
    await page.fill("#test-to", "ops@example.com, lead@example.com");
    await page.getByRole("button", { name: "Send a test mail" }).click();
    await expect.poll(() => page.locator("table tbody tr").count()).toBe(1);
    await expect
      .poll(() => page.locator("table tbody tr").first().textContent(), { timeout: 10_000 })
      .toContain("Kept");
    expect(await page.locator("table tbody tr").first().textContent()).toContain(
      "ops@example.com, lead@example.com",
    );
    await page.screenshot({ path: screenshotPath("mail-en-1280x800") });
  });

  it("opens the mail: rendered preview in a sandbox, plain text, downloadable attachment", async () => {
    await page.locator("table tbody tr a").first().click();
    await page.waitForURL(/\/mail\/\d+$/);
    const frame = page.locator("iframe");
    expect(await frame.getAttribute("sandbox")).toBe("");
    expect(await page.frameLocator("iframe").locator("h1").textContent()).toBe("It works");
    const href = await page.getByRole("link", { name: /kairos-test\.txt/ }).getAttribute("href");
    const res = await ctx.request.get(`${app.url}${href}`);
    expect(res.status()).toBe(200);
    expect(res.headers()["content-disposition"]).toContain("kairos-test.txt");
    expect(await res.text()).toMatch(/^Kairos test attachment, made at /);
    await page.screenshot({ path: screenshotPath("mail-detail-en-1280x800") });
  });

  it("sends again on request", async () => {
    await page.getByRole("button", { name: "Send again" }).click();
    await expect.poll(() => page.getByRole("button", { name: "Queued for delivery again." }).count()).toBe(1);
  });

  it("filters by status and keeps the filter in the URL", async () => {
    await page.goto(`${app.url}/mail?status=failed`);
    await expect.poll(() => page.getByText("No mail matches these filters.").count()).toBe(1);
    await page.goto(`${app.url}/mail?status=kept`);
    await expect.poll(() => page.locator("table tbody tr").count()).toBe(1);
  });

  it("lets a viewer read but not send, on a phone, in dark mode", async () => {
    const v = await phone(browser);
    const p = await v.newPage();
    await p.emulateMedia({ colorScheme: "dark" });
    await p.goto(`${app.url}/login`);
    await p.fill("#login", "victor");
    await p.fill("#password", "viewer-pass");
    await p.click("button[type=submit]");
    await p.waitForURL(`${app.url}/`);
    await p.goto(`${app.url}/mail`);
    await expect.poll(() => p.locator("main ul li a").count()).toBe(1);
    expect(await p.locator("#test-to").count()).toBe(0);
    expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await p.screenshot({ path: screenshotPath("mail-zh-390x844-wechat-dark") });
    const forbidden = await p.goto(`${app.url}/admin/users`);
    expect(forbidden?.status()).toBe(403);
    await v.close();
  });
});
