/**
 * Admin › Backup in Chromium on the production build, on a phone in 中文 (issue 13): the admin
 * downloads a backup, uploads it changed, sees what the import would do while the database stays
 * as it was, then applies it.
 */
import { readFileSync } from "node:fs";
import { eq } from "drizzle-orm";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setUserLocale } from "../../server/auth/users";
import type { Backup } from "../../server/backup/schema";
import { getDb } from "../../server/db/client";
import { jobs } from "../../server/db/schema";
import { type RunningApp, startApp } from "../helpers/app";
import { launchBrowser, phone, screenshotPath } from "../helpers/browser";
import { makeJob } from "../helpers/jobs";
import { makeUser } from "../helpers/users";

let app: RunningApp;
let browser: Browser;
let ctx: BrowserContext;
let page: Page;
let jobName: string;

beforeAll(async () => {
  const admin = await makeUser("admin", "correct horse battery", { username: "keeper" });
  await setUserLocale(getDb(), admin.id, "zh-CN");
  jobName = (await makeJob({ mode: "command", params: { command: "echo backup" } })).name;
  app = await startApp();
  browser = await launchBrowser();
  ctx = await phone(browser);
  page = await ctx.newPage();
  await page.goto(`${app.url}/login`);
  await page.fill("#login", "keeper");
  await page.fill("#password", "correct horse battery");
  await page.click("button[type=submit]");
  await page.waitForURL(`${app.url}/`);
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe("Admin › Backup", () => {
  it("downloads a backup, previews an upload without changing anything, then imports it", async () => {
    await page.goto(`${app.url}/admin/backup`);
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "下载", exact: true }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^kairos-backup-\d{8}-\d{4}\.json$/);
    const doc = JSON.parse(readFileSync((await download.path()) as string, "utf8")) as Backup;
    const job = doc.jobs.find((j) => j.name === jobName);
    if (!job) throw new Error("the job is not in the backup");

    doc.jobs.push({ ...job, name: "从备份恢复的任务" });
    const before = (await getDb().select().from(jobs)).length;
    await page.setInputFiles("input[type=file]", {
      name: "backup.json",
      mimeType: "application/json",
      buffer: Buffer.from(JSON.stringify(doc)),
    });
    const preview = page.getByRole("region", { name: "导入将做的改动" });
    await expect.poll(() => preview.isVisible()).toBe(true);
    await expect
      .poll(() => preview.getByRole("row", { name: /从备份恢复的任务/ }).textContent())
      .toContain("新建");
    expect((await getDb().select().from(jobs)).length).toBe(before);
    await page.screenshot({ path: screenshotPath("admin-backup-preview-phone"), fullPage: true });

    await preview.getByRole("button", { name: "导入", exact: true }).click();
    await expect.poll(() => page.getByText(/已导入：新建 1 项/).isVisible()).toBe(true);
    const [row] = await getDb().select().from(jobs).where(eq(jobs.name, "从备份恢复的任务"));
    expect(row?.mode).toBe("command");
  });

  it("shows a refused file's problems by field", async () => {
    await page.goto(`${app.url}/admin/backup`);
    await page.setInputFiles("input[type=file]", {
      name: "bad.json",
      mimeType: "application/json",
      buffer: Buffer.from(
        JSON.stringify({
          format: "kairos-backup",
          schemaVersion: 2,
          jobs: [{ name: "x", mode: "http", cron: "nope" }],
        }),
      ),
    });
    await expect.poll(() => page.getByText("文件被拒绝").isVisible()).toBe(true);
    await expect
      .poll(() =>
        page
          .getByText(/^jobs\[0\]\.cron: /)
          .first()
          .isVisible(),
      )
      .toBe(true);
  });
});
