import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countUsers } from "../../server/auth/users";
import { getDb } from "../../server/db/client";
import { type RunningApp, startApp } from "../helpers/app";
import { desktop, launchBrowser, phone, screenshotPath } from "../helpers/browser";

let app: RunningApp;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  app = await startApp();
  browser = await launchBrowser();
  page = await (await desktop(browser)).newPage();
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

async function signIn(p: Page, login: string, password: string) {
  await p.fill("#login", login);
  await p.fill("#password", password);
  await p.click("button[type=submit]");
}

// One story, in order: a fresh installation as its first user meets it.
describe("first run, sign-in and the shell", () => {
  it("sends the first visitor to /setup and refuses a bad form without creating anyone", async () => {
    await page.goto(`${app.url}/`);
    expect(new URL(page.url()).pathname).toBe("/setup");
    await page.fill("#username", "admin");
    await page.fill("#password", "short");
    await page.fill("#confirm", "different");
    await page.click("button[type=submit]");
    await expect.poll(() => page.locator("#password-error").textContent()).toBe("at least 8 characters");
    expect(await page.locator("#confirm-error").textContent()).toBe("passwords do not match");
    expect(await countUsers(getDb())).toBe(0);
  });

  it("creates the first admin and signs them in to the dashboard, with a live worker", async () => {
    await page.fill("#email", "admin@example.com");
    await page.fill("#password", "correct horse battery");
    await page.fill("#confirm", "correct horse battery");
    await page.click("button[type=submit]");
    await page.waitForURL(`${app.url}/`);
    expect(await page.locator("h1").textContent()).toBe("Dashboard");
    expect(await page.getByTestId("current-user").first().textContent()).toBe("admin");
    await expect.poll(() => page.getByTestId("live-workers").textContent()).toBe("1");
    await page.screenshot({ path: screenshotPath("dashboard-en-1280x800") });
    // /setup is closed once someone exists.
    await page.goto(`${app.url}/setup`);
    expect(new URL(page.url()).pathname).toBe("/");
  });

  it("signs out, refuses a wrong password, accepts the right one", async () => {
    await page.getByTestId("sign-out").first().click();
    await page.waitForURL(/\/login/);
    await signIn(page, "admin", "wrong password");
    await expect
      .poll(() => page.locator("form [role=alert]").textContent())
      .toContain("Wrong username or password");
    expect(new URL(page.url()).pathname).toBe("/login");
    await signIn(page, "ADMIN@example.com", "correct horse battery");
    await page.waitForURL(`${app.url}/`);
  });

  it("switches to Chinese and keeps it across reloads", async () => {
    await page.getByTestId("locale-switch").first().click();
    await expect.poll(() => page.locator("h1").textContent()).toBe("概览");
    expect(await page.locator("html").getAttribute("lang")).toBe("zh-CN");
    await page.reload();
    expect(await page.locator("h1").textContent()).toBe("概览");
    await page.screenshot({ path: screenshotPath("dashboard-zh-1280x800") });
  });

  it("works at 390×844 in a WeChat-style browser: tab bar, no sidebar, a 'More' sheet", async () => {
    const ctx = await phone(browser, await page.context().storageState());
    const p = await ctx.newPage();
    await p.goto(`${app.url}/`);
    expect(await p.locator("h1").textContent()).toBe("概览");
    expect(await p.locator("aside").isVisible()).toBe(false);
    const tabs = p.getByRole("navigation", { name: "tabs" });
    expect(await tabs.isVisible()).toBe(true);
    // Touch targets: every tab is at least 44 px tall.
    for (const box of await tabs
      .locator("a, button")
      .evaluateAll((els) => els.map((e) => e.getBoundingClientRect().height))) {
      expect(box).toBeGreaterThanOrEqual(44);
    }
    // Nothing is wider than the screen.
    expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await p.screenshot({ path: screenshotPath("dashboard-zh-390x844-wechat") });
    await p.getByTestId("nav-more").click();
    await p.getByRole("dialog").getByRole("link", { name: "管理", exact: true }).click();
    await p.waitForURL(/\/admin\/users/);
    await p.screenshot({ path: screenshotPath("admin-users-zh-390x844-wechat") });
    await ctx.close();
  });

  it("sends an anonymous visitor of a protected page to sign in, then back to that page", async () => {
    const ctx = await desktop(browser);
    const p = await ctx.newPage();
    await p.goto(`${app.url}/mail?status=kept`);
    expect(new URL(p.url()).pathname).toBe("/login");
    await signIn(p, "admin", "correct horse battery");
    await p.waitForURL(/\/mail/);
    expect(new URL(p.url()).search).toBe("?status=kept");
    await ctx.close();
  });
});
