import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningApp, startApp } from "../helpers/app";
import { desktop, launchBrowser, phone, screenshotPath } from "../helpers/browser";
import { type HitServer, makeJob, startHitServer } from "../helpers/jobs";
import { makeUser } from "../helpers/users";

let app: RunningApp;
let peer: HitServer;
let browser: Browser;
let ctx: BrowserContext;
let page: Page;

async function signIn(p: Page) {
  await p.goto(`${app.url}/login`);
  await p.fill("#login", "fay");
  await p.fill("#password", "admin-password");
  await p.click("button[type=submit]");
  await p.waitForURL(`${app.url}/`);
}

const noSidewaysScroll = (p: Page) =>
  p.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

beforeAll(async () => {
  await makeUser("admin", "admin-password", { username: "fay" });
  peer = await startHitServer();
  app = await startApp();
  browser = await launchBrowser();
  ctx = await desktop(browser);
  page = await ctx.newPage();
  await signIn(page);
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await peer?.close();
});

describe("forms never lose work (desktop)", () => {
  it("keeps the page and the text when the text has an unknown key, on switching and on saving", async () => {
    await page.goto(`${app.url}/jobs/new`);
    await page.fill("#job-name", "keeps text");
    await page.fill("#job-cron", "0 0 1 1 *");
    await page.getByRole("tab", { name: "Text (【key】value)" }).click();
    const bad = `【url】${peer.url}/x\n【foo】bar`;
    await page.locator("#job-text").fill(bad);
    await page.getByRole("tab", { name: "Form" }).click();
    // Still the form page, the text as typed, the error under it.
    expect(new URL(page.url()).pathname).toBe("/jobs/new");
    expect(await page.locator("#job-text").inputValue()).toBe(bad);
    await expect.poll(() => page.locator("#job-text-error").textContent()).toContain("foo");
    await page.getByTestId("job-save").click();
    await expect.poll(() => page.locator("#job-text-error").textContent()).toContain("foo");
    expect(await page.locator("#job-text").inputValue()).toBe(bad);
    expect(new URL(page.url()).pathname).toBe("/jobs/new");
    await page.screenshot({ path: screenshotPath("job-bad-text-en-1280x800"), fullPage: true });
  });

  it("reports every bad field at once, and a field's error clears when it changes", async () => {
    await page.goto(`${app.url}/jobs/new`);
    await page.fill("#job-name", "");
    await page.fill("#job-cron", "0 25 * * *");
    await page.fill("#job-tz", "Mars/Base");
    await page.getByTestId("job-save").click();
    await expect.poll(() => page.locator("#job-name-error").count()).toBe(1);
    expect(await page.locator("#job-tz-error").textContent()).toContain('unknown time zone "Mars/Base"');
    expect(await page.locator("#p-url-error").count()).toBe(1);
    // The first field in error has the focus.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("job-name");
    await page.fill("#job-name", "now named");
    await expect.poll(() => page.locator("#job-name-error").count()).toBe(0);
    expect(await page.locator("#job-tz-error").count()).toBe(1);
  });

  it("reads a Quartz N/step and says so in the preview", async () => {
    await page.fill("#job-tz", "Asia/Shanghai");
    await page.fill("#job-cron", "0 0/15 8-18 * * ?");
    await expect.poll(() => page.getByTestId("cron-reading").textContent()).toContain("0-59/15");
    expect(await page.getByTestId("cron-preview").locator("li").count()).toBe(5);
    await page.screenshot({ path: screenshotPath("job-quartz-en-1280x800") });
  });

  it("job page: state and next fire on top, alerts card, no sideways scroll, own confirm dialog", async () => {
    const job = await makeJob({
      mode: "http",
      command: `【url】${peer.url}/ok`,
      cron: "0 0 * * * *",
      state: "waiting",
      notifyEmails: ["ops@example.com"],
    });
    await page.goto(`${app.url}/jobs/${job.id}`);
    await expect.poll(() => page.getByTestId("job-summary").textContent()).toMatch(/Waiting.*Next fire/);
    expect(await page.getByTestId("job-alerts").textContent()).toContain("No open alert");
    expect(await page.getByTestId("job-alerts").textContent()).toContain("every 4 hours");
    expect(await page.getByText("Timeout").first().isVisible()).toBe(true);
    expect(await page.getByText("mode default").count()).toBe(1);
    expect(await noSidewaysScroll(page)).toBe(true);
    await page.screenshot({ path: screenshotPath("job-page-en-1280x800"), fullPage: true });

    // Delete asks in the app's own dialog; cancel keeps the job.
    let nativeDialogs = 0;
    page.on("dialog", (d) => {
      nativeDialogs++;
      void d.dismiss();
    });
    await page.getByTestId("job-delete").click();
    await expect.poll(() => page.getByTestId("confirm-dialog").isVisible()).toBe(true);
    await page.screenshot({ path: screenshotPath("job-confirm-delete-en-1280x800") });
    await page.getByTestId("confirm-cancel").click();
    expect(await page.getByTestId("confirm-dialog").count()).toBe(0);
    // Stop, confirmed.
    await page.getByTestId("job-stop").click();
    await page.getByTestId("confirm-ok").click();
    await expect.poll(() => page.getByTestId("job-summary").textContent()).toContain("Stopped");
    expect(nativeDialogs).toBe(0);

    await page.getByRole("button", { name: "Mute for 1 hour" }).click();
    await expect.poll(() => page.getByTestId("job-alerts-muted").count()).toBe(1);
  });
});

describe("on a phone (WeChat, 中文)", () => {
  let p: Page;
  beforeAll(async () => {
    const c = await phone(browser, await ctx.storageState());
    p = await c.newPage();
  });

  it("scrolls to and focuses the first field in error after a rejected save", async () => {
    await p.goto(`${app.url}/jobs/new`);
    await p.fill("#job-name", "手机上的任务");
    await p.fill("#job-cron", "0 25 * * *");
    await p.fill("#p-url", `${peer.url}/ok`);
    await p.getByTestId("job-save").scrollIntoViewIfNeeded();
    await p.getByTestId("job-save").click();
    await expect.poll(() => p.evaluate(() => document.activeElement?.id)).toBe("job-cron");
    const box = await p.locator("#job-cron").boundingBox();
    expect(box && box.y >= 0 && box.y + box.height <= 844).toBe(true);
    expect(await p.locator("#job-name").inputValue()).toBe("手机上的任务");
    await p.screenshot({ path: screenshotPath("job-first-error-zh-390x844-wechat") });
  });

  it("job page puts the runs before the settings, without sideways scroll", async () => {
    const job = await makeJob({ mode: "http", command: `【url】${peer.url}/ok`, state: "waiting" });
    await p.goto(`${app.url}/jobs/${job.id}`);
    await expect.poll(() => p.getByTestId("job-alerts").count()).toBe(1);
    const runs = await p.getByRole("heading", { name: "执行记录" }).first().boundingBox();
    const alerts = await p.getByTestId("job-alerts").boundingBox();
    expect((runs?.y ?? 1e9) < (alerts?.y ?? 0)).toBe(true);
    expect(await noSidewaysScroll(p)).toBe(true);
    await p.screenshot({ path: screenshotPath("job-page-zh-390x844-wechat"), fullPage: true });
  });

  it("pause all asks first", async () => {
    await p.goto(`${app.url}/jobs`);
    await p.getByTestId("jobs-pause-all").click();
    await expect.poll(() => p.getByTestId("confirm-dialog").isVisible()).toBe(true);
    await p.screenshot({ path: screenshotPath("jobs-confirm-pause-zh-390x844-wechat") });
    await p.getByTestId("confirm-cancel").click();
    const box = await p.getByTestId("jobs-pause-all").boundingBox();
    expect((box?.width ?? 390) < 300).toBe(true);
  });
});
