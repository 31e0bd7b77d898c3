/**
 * Admin › Secrets in Chromium on the production build: an admin defines a secret, the value is
 * never on the page afterwards, an operator's job referencing it shows the reference only, and
 * a viewer sees the job's Authorization header masked (issue 7, Medium 9).
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../server/db/client";
import { secrets } from "../../server/db/schema";
import { type RunningApp, startApp } from "../helpers/app";
import { desktop, launchBrowser, phone, screenshotPath } from "../helpers/browser";
import { makeJob } from "../helpers/jobs";
import { makeUser } from "../helpers/users";

const VALUE = "s3cr3t-value-in-browser";
let app: RunningApp;
let browser: Browser;
let ctx: BrowserContext;
let page: Page;

async function signIn(p: Page, username: string, password: string) {
  await p.goto(`${app.url}/login`);
  await p.fill("#login", username);
  await p.fill("#password", password);
  await p.click("button[type=submit]");
  await p.waitForURL(`${app.url}/`);
}

beforeAll(async () => {
  await makeUser("admin", "correct horse battery", { username: "keeper" });
  await makeUser("viewer", "viewer password 1", { username: "watcher" });
  app = await startApp();
  browser = await launchBrowser();
  ctx = await desktop(browser);
  page = await ctx.newPage();
  await signIn(page, "keeper", "correct horse battery");
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe("Admin › Secrets", () => {
  it("creates a secret whose value never comes back to the page", async () => {
    await page.goto(`${app.url}/admin/secrets`);
    await page.fill("#secret-name", "BILLING_TOKEN");
    await page.fill("#secret-value", VALUE);
    await page.fill("#secret-desc", "billing API");
    await page.getByRole("button", { name: "Create", exact: true }).click();
    await expect.poll(() => page.getByText("{{secret.BILLING_TOKEN}}").isVisible()).toBe(true);
    expect(await page.content()).not.toContain(VALUE);
    await page.reload();
    await expect.poll(() => page.getByText("{{secret.BILLING_TOKEN}}").isVisible()).toBe(true);
    expect(await page.content()).not.toContain(VALUE);
    const [row] = await getDb().select().from(secrets);
    expect(row?.value).toBe(VALUE);
    await page.screenshot({ path: screenshotPath("admin-secrets-desktop") });
  });

  it("shows a viewer a job's Authorization header masked, on a phone", async () => {
    const job = await makeJob({
      mode: "http",
      command: "【url】https://api.example.com/x\n【headers】Authorization:Bearer plain-header-secret-42",
    });
    const viewerCtx = await phone(browser);
    const p = await viewerCtx.newPage();
    try {
      await signIn(p, "watcher", "viewer password 1");
      await p.goto(`${app.url}/jobs/${job.id}`);
      await expect.poll(() => p.getByText(job.name).first().isVisible()).toBe(true);
      const html = await p.content();
      expect(html).not.toContain("plain-header-secret-42");
      expect(html).toContain("********");
      await p.screenshot({ path: screenshotPath("job-masked-phone") });
    } finally {
      await viewerCtx.close();
    }
  });
});
