// biome-ignore-all lint/performance/useDomNodeTextContent: Playwright locators read innerText, what the reader sees
/**
 * Issue 13's operations pages in Chromium on the production build, with a real worker:
 * a request's log line on the logs page and in its dialog, filters and the NDJSON download;
 * a running command listed with its processes on the system page and killed from there
 * (its process tree gone, the run cancelled); a job edit's before/after on the audit page;
 * the logs dialog and the system page at 390 px in Chinese; screenshots at both sizes.
 */
import { readFileSync } from "node:fs";
import { eq } from "drizzle-orm";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getUser, setUserTimeZone } from "../../server/auth/users";
import { getDb } from "../../server/db/client";
import { userSessions } from "../../server/db/schema";
import { createRuns } from "../../server/runs/create";
import { getRun } from "../../server/runs/runs";
import { type RunningApp, startApp } from "../helpers/app";
import { desktop, launchBrowser, phone, screenshotPath } from "../helpers/browser";
import { makeJob } from "../helpers/jobs";
import { callerFor, makeUser } from "../helpers/users";

// Several page loads each, on a machine that may be busy (load 20 seen): minutes, not 30 s.
const PAGE_TEST_MS = 300_000;
let app: RunningApp;
let browser: Browser;
let ctx: BrowserContext;
let page: Page;

async function signIn(p: Page) {
  await p.goto(`${app.url}/login`);
  await p.fill("#login", "opsadmin");
  await p.fill("#password", "correct horse battery");
  await p.click("button[type=submit]");
  await p.waitForURL(`${app.url}/`);
}

/** Log entries as shown (the list renders a table for desktops and cards for phones). */
const entries = (p: Page) => p.locator("[data-testid=log-entry]:visible");

/** Opens the logs page with these filters and waits for its answer: entries, or none. */
async function logsShown(p: Page, query: string) {
  await p.goto(`${app.url}/admin/logs${query}`);
  await entries(p).or(p.getByTestId("logs-empty")).first().waitFor();
  return entries(p).count();
}

/** Whether the page scrolls sideways (it must not at 390 px). */
const overflows = (p: Page) =>
  p.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1);

function alive(pid: number) {
  try {
    return !readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.startsWith("Z");
  } catch {
    return false;
  }
}

let adminId: number;

beforeAll(async () => {
  adminId = (await makeUser("admin", "correct horse battery", { username: "opsadmin" })).id;
  app = await startApp({ LOG_LEVEL: "info" });
  browser = await launchBrowser();
  ctx = await desktop(browser);
  page = await ctx.newPage();
  await signIn(page);
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe("Logs page", () => {
  it(
    "shows a request's line, opens it in a dialog, filters, and downloads NDJSON",
    async () => {
      const res = await page.goto(`${app.url}/jobs?from-logs-test=1`);
      const reqId = res?.headers()["x-request-id"] ?? "";
      expect(reqId).toMatch(/^[0-9a-f-]{36}$/);
      // The line reaches the table about a second after it is written.
      await expect.poll(() => logsShown(page, `?req=${reqId}`)).toBe(1);
      await entries(page).click();
      const dialog = page.getByTestId("log-dialog");
      await expect
        .poll(() => dialog.getByTestId("log-dialog-record").innerText())
        .toContain("from-logs-test=1");
      expect(await dialog.getByTestId("log-dialog-record").innerText()).toContain(reqId);
      await page.screenshot({ path: screenshotPath("ops-logs-dialog-desktop") });
      await dialog.getByRole("button", { name: "Close" }).click();

      // Level filter: no "request" lines at warning and above; the text filter finds it.
      expect(await logsShown(page, "?level=warn&q=from-logs-test")).toBe(0);
      expect(await page.getByText("No log lines match.").isVisible()).toBe(true);
      expect(await logsShown(page, "?q=from-logs-test")).toBeGreaterThanOrEqual(1);
      expect(await logsShown(page, "")).toBeGreaterThan(1);
      await page.screenshot({ path: screenshotPath("ops-logs-desktop") });

      await page.goto(`${app.url}/admin/logs?q=from-logs-test`);
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.getByRole("link", { name: "Download NDJSON" }).click(),
      ]);
      const text = readFileSync((await download.path()) ?? "", "utf8");
      const lines = text
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as { reqId?: string; msg: string });
      expect(lines.some((l) => l.reqId === reqId && l.msg === "request")).toBe(true);
    },
    PAGE_TEST_MS,
  );
});

describe("System page", () => {
  it(
    "lists a running command with its pids and kills it after a confirmation",
    async () => {
      const job = await makeJob({
        mode: "command",
        command: "【command】sh -c 'sleep 300 & sleep 300; wait'",
      });
      const [run] = await createRuns(getDb(), [
        { jobId: job.id, policy: "parallel", trigger: "manual", scheduledAt: new Date() },
      ]);
      if (!run) throw new Error("no run");
      await page.goto(`${app.url}/admin/system`);
      const pidsCell = page.getByTestId(`run-pids-${run.id}`).first();
      await expect
        .poll(
          async () => ((await pidsCell.isVisible()) ? (await pidsCell.innerText()).split(",").length : 0),
          {
            timeout: 30_000,
          },
        )
        .toBeGreaterThanOrEqual(3);
      const pids = (await pidsCell.innerText()).split(",").map((s) => Number(s.trim()));
      expect(pids.every((p) => alive(p))).toBe(true);
      const top = await page.getByTestId("system-memory").innerText();
      expect(top).toContain("Total");
      await page.screenshot({ path: screenshotPath("ops-system-desktop"), fullPage: true });

      await page.getByTestId(`kill-${run.id}`).first().click();
      await expect.poll(() => page.getByTestId("confirm-dialog").innerText()).toContain(job.name);
      await page.getByTestId("confirm-ok").click();
      await expect.poll(async () => (await getRun(getDb(), run.id)).status).toBe("cancelled");
      await expect.poll(() => pids.filter(alive)).toEqual([]);
      await expect.poll(() => page.getByTestId(`run-pids-${run.id}`).count()).toBe(0);
    },
    PAGE_TEST_MS,
  );
});

describe("Audit page", () => {
  it(
    "shows a job edit with its before and after",
    async () => {
      const admin = await makeUser("admin");
      const job = await makeJob({ mode: "http", command: "【url】http://127.0.0.1:9/a" });
      const caller = callerFor(admin);
      const current = await caller.jobs.get({ id: job.id });
      await caller.jobs.update({
        id: job.id,
        job: {
          name: "audited-renamed",
          mode: "http",
          command: "【url】http://127.0.0.1:9/b",
          cron: current.cron,
          timezone: "UTC",
        },
      });
      await page.goto(`${app.url}/admin/audit?action=job.update`);
      const row = page.getByTestId("audit-row").first();
      await row.getByRole("button", { name: "Details" }).click();
      const diff = row.getByTestId("audit-diff");
      await expect.poll(() => diff.innerText()).toContain("audited-renamed");
      expect(await diff.innerText()).toContain(job.name);
      await page.screenshot({ path: screenshotPath("ops-audit-desktop"), fullPage: true });
      // As if signed in before migration 0015: the session has no row; its next request adds it.
      await getDb().delete(userSessions).where(eq(userSessions.userId, adminId));
      await page.goto(`${app.url}/account`);
      await expect.poll(() => page.getByTestId("sessions").innerText()).toContain("This session");
      await page.screenshot({ path: screenshotPath("ops-profile-desktop"), fullPage: true });
    },
    PAGE_TEST_MS,
  );
});

describe("time filters", () => {
  it(
    "read and show the reader's display zone, not the device's, and name it",
    async () => {
      // The account says Asia/Shanghai; the browser runs in New York (UTC-5 in March).
      const before = (await getUser(getDb(), adminId))?.timeZone ?? "UTC";
      await setUserTimeZone(getDb(), adminId, "Asia/Shanghai");
      const c = await browser.newContext({
        viewport: { width: 1280, height: 800 },
        timezoneId: "America/New_York",
      });
      c.setDefaultTimeout(10_000);
      try {
        const p = await c.newPage();
        await signIn(p);
        for (const ns of ["audit", "logs"] as const) {
          await p.goto(`${app.url}/admin/${ns}`);
          expect(await p.getByTestId(`${ns}-from-zone`).innerText()).toBe("GMT+8");
          await p.getByTestId(`${ns}-from`).fill("2026-03-01T08:00");
          await p.waitForURL((u) => u.searchParams.get("from") === "2026-03-01T00:00:00.000Z");
          // A filter kept in the URL shows again in the same zone.
          await p.goto(`${app.url}/admin/${ns}?to=2026-03-02T00:00:00.000Z`);
          await expect.poll(() => p.getByTestId(`${ns}-to`).inputValue()).toBe("2026-03-02T08:00");
          expect(await p.getByTestId(`${ns}-to-zone`).getAttribute("title")).toBe("Asia/Shanghai");
        }
      } finally {
        await c.close();
        await setUserTimeZone(getDb(), adminId, before);
      }
    },
    PAGE_TEST_MS,
  );
});

describe("on a phone, in Chinese", () => {
  it(
    "opens a log entry's dialog and shows the system page at 390 px",
    async () => {
      const p = await (await phone(browser)).newPage();
      try {
        await signIn(p);
        expect(await logsShown(p, "")).toBeGreaterThan(0);
        expect(await p.getByRole("heading", { level: 1 }).innerText()).toBe("管理");
        expect(await overflows(p)).toBe(false);
        await p.screenshot({ path: screenshotPath("ops-logs-phone-zh") });
        await entries(p).first().click();
        const dialog = p.getByTestId("log-dialog");
        await expect.poll(() => dialog.innerText()).toContain("完整记录");
        expect(await dialog.innerText()).toContain("日志条目");
        const box = await dialog.boundingBox();
        expect(box?.width).toBeLessThanOrEqual(390);
        await p.screenshot({ path: screenshotPath("ops-logs-dialog-phone-zh") });
        await dialog.getByRole("button", { name: "关闭" }).click();

        await p.goto(`${app.url}/admin/system`);
        await expect.poll(() => p.getByText("内存占用前 5 的进程").isVisible()).toBe(true);
        expect(await p.getByTestId("system-memory").innerText()).toContain("缓冲 / 缓存");
        expect(await overflows(p)).toBe(false);
        await p.screenshot({ path: screenshotPath("ops-system-phone-zh"), fullPage: true });
        await p.goto(`${app.url}/admin/audit`);
        await expect.poll(() => p.getByTestId("audit-row").count()).toBeGreaterThan(0);
        expect(await overflows(p)).toBe(false);
        await p.screenshot({ path: screenshotPath("ops-audit-phone-zh"), fullPage: true });
      } finally {
        await p.context().close();
      }
    },
    PAGE_TEST_MS,
  );
});
