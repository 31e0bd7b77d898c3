/**
 * Issue 11, stage 2 in the browser (production build, real worker, real SMTP peer): an admin
 * uploads a Python script in the job form, makes a script job with a report mail, runs it; the
 * run page lists its report file; the Reports page lists it at 390 px in a WeChat browser, in
 * Chinese, and the file downloads as the script wrote it.
 */
import { writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../server/db/client";
import { users } from "../../server/db/schema";
import { type RunningApp, startApp } from "../helpers/app";
import { desktop, launchBrowser, phone, screenshotPath } from "../helpers/browser";
import { type SmtpPeer, startSmtpPeer } from "../helpers/smtp";
import { makeUser } from "../helpers/users";

let app: RunningApp;
let smtp: SmtpPeer;
let browser: Browser;
let ctx: BrowserContext;
let page: Page;
let runUrl = "";
let jobPath = "";

const SCRIPT = `import os, sys
with open(os.path.join(sys.argv[1], "销售日报.csv"), "w", encoding="utf-8") as f:
    f.write("地区,销售额\\n华东,1234\\n华南,567\\n")
print("ok", os.environ["KAIROS_JOB_NAME"])
`;

beforeAll(async () => {
  await makeUser("admin", "admin-password", { username: "ada" });
  smtp = await startSmtpPeer();
  app = await startApp({ KAIROS_PYTHON: "/usr/bin/python3", SMTP_URL: smtp.url });
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
  await smtp?.close();
});

describe("script jobs and reports in the browser", () => {
  it("uploads a script in the job form and saves a script job with its mail", async () => {
    await page.goto(`${app.url}/jobs/new`);
    await page.fill("#job-name", "daily sales");
    await page.fill("#job-cron", "0 0 1 1 *");
    await page.selectOption("#job-mode", "script");
    const file = path.join(os.tmpdir(), `daily_sales_${process.pid}.py`);
    writeFileSync(file, SCRIPT);
    await page.setInputFiles("#p-script-file", file);
    await expect
      .poll(() => page.getByText(/Uploaded daily_sales_\d+\.py v1/).count(), { timeout: 20_000 })
      .toBe(1);
    await expect.poll(() => page.locator("#p-script").inputValue()).not.toBe("");
    await page.fill("#p-mail-to", "boss@example.com");
    await page.fill("#p-mail-body", "<%render_html%>\n<p>{{ filename }}</p>");
    await page.screenshot({ path: screenshotPath("job-new-script-en-1280x800"), fullPage: true });
    await page.getByTestId("job-save").click();
    await page.waitForURL(/\/jobs\/\d+$/);
    jobPath = new URL(page.url()).pathname;
    expect(await page.getByTestId("job-script").textContent()).toMatch(/^#\d+$/);
    expect(await page.getByRole("link", { name: "Report files" }).getAttribute("href")).toMatch(
      /^\/reports\?job=\d+$/,
    );
  });

  it("runs it: the run page lists the report file and the mail carries it", async () => {
    await page.getByTestId("job-run-now").click();
    // Running by hand opens the run's page.
    await page.waitForURL(/\/runs\/\d+$/);
    await expect
      .poll(() => page.getByTestId("run-status").textContent(), { timeout: 20_000 })
      .toContain("Succeeded");
    runUrl = page.url();
    await expect.poll(() => page.getByTestId("run-report-files").textContent()).toContain("销售日报.csv");
    await expect.poll(() => smtp.messages.length, { timeout: 20_000 }).toBe(1);
    const mail = smtp.messages[0];
    expect(mail?.attachments.map((a) => a.filename)).toEqual(["销售日报.csv"]);
    expect(mail?.html).toContain("<td>华东</td>");
    await page.screenshot({ path: screenshotPath("run-script-en-1280x800"), fullPage: true });
  }, 60_000);

  it("lists the file on the Reports page at 390 px in WeChat, in Chinese, and downloads it", async () => {
    const mobile = await phone(browser, await ctx.storageState());
    const p = await mobile.newPage();
    await p.goto(`${app.url}/reports`);
    expect(await p.locator("html").getAttribute("lang")).toBe("zh-CN");
    await expect.poll(() => p.getByRole("heading", { name: "报表" }).count()).toBeGreaterThan(0);
    const link = p.getByTestId("report-download").filter({ visible: true }).first();
    await expect.poll(() => link.textContent()).toBe("销售日报.csv");
    expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await p.screenshot({ path: screenshotPath("reports-zh-390x844"), fullPage: true });
    const res = await p.request.get(`${app.url}${await link.getAttribute("href")}`);
    expect(res.status()).toBe(200);
    expect((await res.body()).toString("utf8")).toBe("地区,销售额\n华东,1234\n华南,567\n");
    expect(res.headers()["content-disposition"]).toContain(encodeURIComponent("销售日报.csv"));
    expect(runUrl).toMatch(/\/runs\/\d+$/);
    await mobile.close();
  });

  it("edits the mail template with insert buttons, warnings and a live preview; compares script versions; sends a test", async () => {
    const jobUrl = jobPath;
    expect(jobUrl).toMatch(/^\/jobs\/\d+$/);
    await page.goto(`${app.url}${jobUrl}/edit`);
    const body = page.locator("#p-mail-body");
    await body.fill("<p>{{ filenme }}</p>\n");
    // Debounced, rendered by the server against the run's real file.
    await expect
      .poll(() => page.getByTestId("template-problems").textContent())
      .toContain("“filenme” (line 1)");
    await expect
      .poll(() => page.getByTestId("preview-source").textContent())
      .toMatch(/run #\d+ of daily sales/);
    await page.getByTestId("insert-var-tables").click();
    await page.getByTestId("insert-flag-render_html").click();
    await expect
      .poll(() => body.inputValue())
      .toMatch(/^<%render_html%>\n<p>\{\{ filenme \}\}<\/p>\n\{% for name, t in tables %\}/);
    const frame = page.frameLocator("[data-testid=preview-frame]");
    await expect.poll(() => frame.locator("td", { hasText: "华东" }).count()).toBeGreaterThan(0);
    await body.fill((await body.inputValue()).replace("filenme", "filename"));
    await expect.poll(() => page.getByTestId("template-problems").textContent()).toBe("No problems found.");
    await expect.poll(() => frame.locator("p", { hasText: "销售日报" }).count()).toBe(1);

    // A second version of the script: the two compared line by line.
    const file = path.join(os.tmpdir(), `daily_sales_${process.pid}.py`);
    writeFileSync(file, SCRIPT.replace('print("ok"', 'print("done"'));
    await page.setInputFiles("#p-script-file", file);
    await expect
      .poll(() => page.getByText(/Uploaded daily_sales_\d+\.py v2/).count(), { timeout: 20_000 })
      .toBe(1);
    await page.getByTestId("script-compare").locator("summary").click();
    await expect
      .poll(() => page.getByTestId("diff-counts").textContent())
      .toBe("1 line added, 1 line removed");
    expect(await page.getByTestId("diff-table").locator("tr[data-op=add]").textContent()).toContain(
      'print("done"',
    );
    await page.getByTestId("template-editor").scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath("job-edit-template-en-1280x800"), fullPage: true });
    for (const [locale, size] of [
      ["zh-CN", { width: 1280, height: 800 }],
      ["zh-CN", { width: 390, height: 844 }],
      ["en-US", { width: 390, height: 844 }],
    ] as const) {
      const c = await browser.newContext({
        viewport: size,
        locale,
        storageState: await ctx.storageState(),
        ...(size.width < 400 ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
      });
      const p = await c.newPage();
      await p.goto(`${app.url}${jobUrl}/edit`);
      await p.getByTestId("script-compare").locator("summary").click();
      await expect.poll(() => p.getByTestId("preview-source").count()).toBe(1);
      await expect.poll(() => p.getByTestId("diff-counts").count()).toBe(1);
      expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(size.width);
      const tag = `${locale === "zh-CN" ? "zh" : "en"}-${size.width}x${size.height}`;
      await p.screenshot({ path: screenshotPath(`job-edit-template-${tag}`), fullPage: true });
      // The preview's frame is painted only in view (a full-page shot leaves it blank).
      const shown = p.frameLocator("[data-testid=preview-frame]").locator("td", { hasText: "华东" });
      await expect.poll(() => shown.count()).toBeGreaterThan(0);
      await p.getByTestId("template-preview").screenshot({ path: screenshotPath(`job-edit-preview-${tag}`) });
      await p.getByTestId("script-diff").screenshot({ path: screenshotPath(`job-edit-diff-${tag}`) });
      await p.goto(`${app.url}${jobUrl}`);
      await p.getByTestId("report-mail-actions").waitFor();
      await p.screenshot({ path: screenshotPath(`job-report-actions-${tag}`), fullPage: true });
      await c.close();
    }

    // A long template (more than a URL can carry) still previews.
    await body.fill(`{# ${"long ".repeat(8000)} #}<p>long-ok</p>`);
    await expect.poll(() => frame.locator("p", { hasText: "long-ok" }).count()).toBe(1);

    // Send a test to me: only to ada, marked as a test.
    await page.goto(`${app.url}${jobUrl}`);
    const before = smtp.messages.length;
    await page.getByTestId("report-send-test").click();
    await expect.poll(() => page.getByTestId("report-test-sent").textContent()).toContain("ada@example.com");
    await expect.poll(() => smtp.messages.length, { timeout: 20_000 }).toBe(before + 1);
    const test = smtp.messages[before];
    expect(test?.subject).toMatch(/^\[Test\] /);
    expect((test?.to as { text: string } | undefined)?.text).toBe("ada@example.com");
    await page.screenshot({ path: screenshotPath("job-report-test-sent-en-1280x800"), fullPage: true });
  }, 120_000);

  it("opens the mail's share link without an account: the viewer in the page, at 390 px in WeChat in the job's language, until revoked", async () => {
    const token = /\/share\/([A-Za-z0-9_-]{43})/.exec(smtp.messages[0]?.html || "")?.[1] ?? "";
    expect(token).toHaveLength(43);
    // The run page (signed in): the file open in the viewer, and the share links card.
    await page.goto(runUrl);
    await expect.poll(() => page.getByTestId("viewer-table").textContent()).toContain("华东");
    await expect.poll(() => page.getByTestId("share-revoke").count()).toBe(1);
    await page.screenshot({ path: screenshotPath("run-viewer-en-1280x800"), fullPage: true });

    // The job's owner reads English: so does the share page, on a desktop without a session.
    const anonDesk = await desktop(browser, "zh-CN");
    const d = await anonDesk.newPage();
    await d.goto(`${app.url}/share/${token}`);
    await d.getByTestId("share-page").waitFor();
    expect(await d.getByRole("heading", { level: 1 }).textContent()).toBe("daily sales");
    await expect.poll(() => d.getByTestId("viewer-rows").textContent()).toBe("Rows 1–2 of 2");
    await d.screenshot({ path: screenshotPath("share-en-1280x800"), fullPage: true });

    // In Chinese once the owner reads Chinese; at 390 px in WeChat; a chart on demand.
    await getDb().update(users).set({ locale: "zh-CN" }).where(eq(users.username, "ada"));
    const mobile = await phone(browser);
    const p = await mobile.newPage();
    await p.goto(`${app.url}/share/${token}`);
    await p.getByTestId("share-page").waitFor();
    expect(await p.getByTestId("share-page").getAttribute("lang")).toBe("zh-CN");
    const table = p.getByTestId("viewer-table");
    await expect.poll(() => table.textContent()).toContain("华东");
    expect(await table.locator("th").allTextContents()).toEqual(["地区", "销售额"]);
    expect(await p.getByTestId("viewer-rows").textContent()).toBe("第 1–2 行，共 2 行");
    expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await p.getByTestId("viewer-chart-toggle").click();
    await p.getByTestId("report-chart").locator("svg").first().waitFor();
    await p.screenshot({ path: screenshotPath("share-zh-390x844"), fullPage: true });
    await d.reload();
    await expect.poll(() => d.getByTestId("viewer-rows").textContent()).toBe("第 1–2 行，共 2 行");
    await d.screenshot({ path: screenshotPath("share-zh-1280x800"), fullPage: true });

    // Revoked on the run page: the link no longer opens.
    await page.getByTestId("share-revoke").click();
    await expect.poll(() => page.getByTestId("share-revoke").count()).toBe(0);
    await p.reload();
    await p.getByTestId("share-gone").waitFor();
    await p.screenshot({ path: screenshotPath("share-revoked-zh-390x844"), fullPage: true });
    await mobile.close();
    await anonDesk.close();
  }, 90_000);
});
