/**
 * Issue 10, "Language" and "Time": every page in 中文 (a WeChat phone in Asia/Shanghai, the
 * server in UTC) and in English (desktop): titles from the catalogs, no English sentence in a
 * 中文 page, no console error (React #418 hydration mismatches included), the browser's zone
 * taken on first sign-in, and one run's times the same text on every page that shows them.
 */
import { eq } from "drizzle-orm";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getUser, setUserLocale, setUserTimeZone } from "../../server/auth/users";
import { getDb } from "../../server/db/client";
import { jobs } from "../../server/db/schema";
import { runJobNow } from "../../server/jobs/jobs";
import { sendTestMail } from "../../server/mail/test-mail";
import { type RunningApp, startApp } from "../helpers/app";
import { desktop, launchBrowser, screenshotPath, WECHAT_UA } from "../helpers/browser";
import { englishSentences } from "../helpers/english";
import { ADMIN, type HitServer, makeJob, startHitServer, waitForFinishedRuns } from "../helpers/jobs";
import { makeUser } from "../helpers/users";

let app: RunningApp;
let peer: HitServer;
let browser: Browser;
let zhUserId: number;
let linUserId: number;
let jobId: number;
let runId: number;
let mailId: number;

async function signIn(p: Page, login: string) {
  await p.goto(`${app.url}/login`);
  await p.fill("#login", login);
  await p.fill("#password", "password-123");
  await p.click("button[type=submit]");
  await p.waitForURL(`${app.url}/`);
}

/** Console errors and uncaught page errors while `fn` runs. */
function watchErrors(p: Page): string[] {
  const errors: string[] = [];
  p.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  p.on("pageerror", (e) => errors.push(e.message));
  return errors;
}

/** The page's visible words, without code (pre, code, monospace) and form values. */
const proseOf = (p: Page) =>
  p.evaluate(() => {
    const body = document.body.cloneNode(true) as HTMLElement;
    for (const el of body.querySelectorAll(
      "pre, code, kbd, .font-mono, script, style, textarea, datalist, select",
    )) {
      el.remove();
    }
    // biome-ignore lint/performance/useDomNodeTextContent: what the reader sees (not hidden text) is what must be Chinese
    return body.innerText;
  });

const pages = () => [
  "/",
  "/jobs",
  "/jobs/new",
  `/jobs/${jobId}`,
  `/jobs/${jobId}/edit`,
  "/runs",
  `/runs/${runId}`,
  "/mail",
  `/mail/${mailId}`,
  "/reports",
  "/sites",
  "/alarms",
  "/account",
  "/admin/users",
  "/admin/tokens",
  "/admin/ip",
  "/admin/secrets",
  "/admin/backup",
];

/** A walk over every page: each load may take seconds on a loaded machine (17 pages). */
const EVERY_PAGE_MS = 300_000;

beforeAll(async () => {
  const zh = await makeUser("admin", "password-123", { username: "mei" });
  await setUserLocale(getDb(), zh.id, "zh-CN");
  zhUserId = zh.id;
  linUserId = (await makeUser("admin", "password-123", { username: "lin" })).id;
  peer = await startHitServer();
  app = await startApp({ TZ: "UTC", KAIROS_TIME_ZONE: "UTC" });
  const job = await makeJob({
    mode: "http",
    command: `【url】${peer.url}/fail?status=500`,
    timezone: "Asia/Shanghai",
  });
  jobId = job.id;
  await runJobNow(getDb(), ADMIN, job.id);
  const [run] = await waitForFinishedRuns(job.id, 1);
  runId = run?.id ?? 0;
  mailId = await sendTestMail(getDb(), ADMIN, ["ops@example.com"], "zh-CN");
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await peer?.close();
});

async function phoneZh(): Promise<BrowserContext> {
  // The helper's WeChat phone, in the zone the issue describes (the server runs in UTC).
  const c = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    userAgent: WECHAT_UA,
    locale: "zh-CN",
    timezoneId: "Asia/Shanghai",
  });
  c.setDefaultTimeout(10_000);
  return c;
}

describe("中文 on a WeChat phone in Asia/Shanghai", () => {
  let ctx: BrowserContext;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    ctx = await phoneZh();
    page = await ctx.newPage();
    errors = watchErrors(page);
    await signIn(page, "mei");
  });
  afterAll(() => ctx?.close());

  it("takes the browser's zone on first sign-in", async () => {
    await expect.poll(async () => (await getUser(getDb(), zhUserId))?.timeZone).toBe("Asia/Shanghai");
  });

  it(
    "every page: a 中文 title, no English sentence, no console error",
    async () => {
      const found: Record<string, string[]> = {};
      for (const path of pages()) {
        errors.length = 0;
        await page.goto(`${app.url}${path}`);
        await page.waitForLoadState("networkidle");
        const title = await page.title();
        expect(title, path).toMatch(/ · Kairos$|^Kairos$/);
        // The peer's own HTTP reason phrase in the run's error is data, not Kairos' words.
        const english = englishSentences(await proseOf(page), ["ops@example.com", "Internal Server Error"]);
        if (english.length) found[path] = english;
        if (errors.length) found[`${path} (console)`] = [...errors];
      }
      expect(found).toEqual({});
      await page.goto(`${app.url}/login`);
    },
    EVERY_PAGE_MS,
  );

  it("shows the job's mail language for outside addresses in its details", async () => {
    const fact = async () => {
      await page.goto(`${app.url}/jobs/${jobId}`);
      const dt = page.locator("dt", { hasText: "发给其他地址的邮件语言" });
      return (await dt.locator("xpath=following-sibling::dd").textContent())?.trim();
    };
    // No language of its own: the instance's (KAIROS_LANGUAGE, English here).
    expect(await fact()).toBe("本 Kairos 的默认语言（English）");
    await getDb().update(jobs).set({ mailLanguage: "zh-CN" }).where(eq(jobs.id, jobId));
    try {
      expect(await fact()).toBe("中文");
    } finally {
      await getDb().update(jobs).set({ mailLanguage: null }).where(eq(jobs.id, jobId));
    }
  });

  it("shows one run's times as the same text on the list, the job page and the run page", async () => {
    const texts = new Set<string>();
    for (const path of ["/runs", `/jobs/${jobId}`, `/runs/${runId}`]) {
      await page.goto(`${app.url}${path}`);
      await page.waitForLoadState("networkidle");
      const run = await page.evaluate(() =>
        [...document.querySelectorAll("time")].map((t) => t.textContent ?? ""),
      );
      expect(run.length, path).toBeGreaterThan(0);
    }
    await page.goto(`${app.url}/runs/${runId}`);
    const scheduled = await page.locator("time").first().getAttribute("datetime");
    for (const path of ["/runs", `/jobs/${jobId}`, `/runs/${runId}`]) {
      await page.goto(`${app.url}${path}`);
      await page.waitForLoadState("networkidle");
      const text = await page.locator(`time[datetime="${scheduled}"]`).first().textContent();
      texts.add(text ?? "");
    }
    expect(texts.size).toBe(1);
    // In the reader's zone (Asia/Shanghai), so without a label.
    const only = [...texts][0] ?? "";
    expect(only).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    const expected = new Date(scheduled ?? "").toLocaleString("sv-SE", { timeZone: "Asia/Shanghai" });
    expect(only).toBe(expected);
  });

  it("screenshots: account and run pages at 390×844", async () => {
    for (const [name, path] of [
      ["account", "/account"],
      ["run", `/runs/${runId}`],
      ["jobs", "/jobs"],
    ] as const) {
      await page.goto(`${app.url}${path}`);
      await page.waitForLoadState("networkidle");
      await page.screenshot({ path: screenshotPath(`lang-${name}-zh-390x844`), fullPage: true });
    }
  });
});

/** Every page in one context: catalog title, no console error, and (中文) no English sentence. */
async function checkEveryPage(ctx: BrowserContext, login: string, zh: boolean) {
  const page = await ctx.newPage();
  const errors = watchErrors(page);
  await signIn(page, login);
  const found: Record<string, string[]> = {};
  for (const path of pages()) {
    errors.length = 0;
    await page.goto(`${app.url}${path}`);
    await page.waitForLoadState("networkidle");
    expect(await page.title(), path).toMatch(/ · Kairos$|^Kairos$/);
    if (zh) {
      const english = englishSentences(await proseOf(page), ["ops@example.com", "Internal Server Error"]);
      if (english.length) found[path] = english;
    }
    if (errors.length) found[`${path} (console)`] = [...errors];
  }
  expect(found).toEqual({});
}

describe("the other two: 中文 on the desktop, English on the phone", () => {
  it(
    "中文 desktop (1280×800): every page clean",
    async () => {
      const ctx = await browser.newContext({
        viewport: { width: 1280, height: 800 },
        locale: "zh-CN",
        timezoneId: "Asia/Shanghai",
      });
      try {
        await checkEveryPage(ctx, "mei", true);
      } finally {
        await ctx.close();
      }
    },
    EVERY_PAGE_MS,
  );

  it(
    "English phone (390×844, WeChat): every page clean",
    async () => {
      const ctx = await browser.newContext({
        viewport: { width: 390, height: 844 },
        isMobile: true,
        hasTouch: true,
        userAgent: WECHAT_UA,
        locale: "en-US",
        timezoneId: "Asia/Shanghai",
      });
      try {
        await checkEveryPage(ctx, "lin", false);
      } finally {
        await ctx.close();
      }
    },
    EVERY_PAGE_MS,
  );
});

describe("English on the desktop", () => {
  let ctx: BrowserContext;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    ctx = await desktop(browser);
    page = await ctx.newPage();
    errors = watchErrors(page);
    await signIn(page, "lin");
  });
  afterAll(() => ctx?.close());

  it(
    "every page: a title from the catalog, no console error",
    async () => {
      const found: Record<string, string[]> = {};
      for (const path of pages()) {
        errors.length = 0;
        await page.goto(`${app.url}${path}`);
        await page.waitForLoadState("networkidle");
        expect(await page.title(), path).toMatch(/ · Kairos$|^Kairos$/);
        if (errors.length) found[path] = [...errors];
      }
      expect(found).toEqual({});
    },
    EVERY_PAGE_MS,
  );

  it("labels the job's next fire with its zone when it is not the reader's", async () => {
    // The reader in UTC; the job's schedule is in Asia/Shanghai.
    await setUserTimeZone(getDb(), linUserId, "UTC");
    await page.goto(`${app.url}/jobs/${jobId}`);
    expect(await page.getByTestId("job-next-fire").textContent()).toMatch(/\d\d:\d\d:\d\d\s*GMT\+8$/);
    // The same instant for a reader in Asia/Shanghai: no label.
    await setUserTimeZone(getDb(), linUserId, "Asia/Shanghai");
    await page.reload();
    expect(await page.getByTestId("job-next-fire").textContent()).toMatch(/\d\d:\d\d:\d\d$/);
  });

  it("screenshots: account and run pages at 1280×800", async () => {
    for (const [name, path] of [
      ["account", "/account"],
      ["run", `/runs/${runId}`],
      ["jobs", "/jobs"],
    ] as const) {
      await page.goto(`${app.url}${path}`);
      await page.waitForLoadState("networkidle");
      await page.screenshot({ path: screenshotPath(`lang-${name}-en-1280x800`), fullPage: true });
    }
  });
});
