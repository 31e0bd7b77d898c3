/**
 * Issue 7 through the real app (production build, Chromium): the pages work under the
 * Content-Security-Policy, HSTS is sent over https only, signing out ends the session for good,
 * and the sign-in form locks after repeated failures without saying whether the account exists.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../server/db/client";
import { runJobNow } from "../../server/jobs/jobs";
import { type RunningApp, startApp } from "../helpers/app";
import { desktop, launchBrowser } from "../helpers/browser";
import { ADMIN, makeJob } from "../helpers/jobs";
import { makeUser } from "../helpers/users";

let app: RunningApp;
let browser: Browser;

beforeAll(async () => {
  await makeUser("admin", "correct horse battery", { username: "boss" });
  await makeUser("viewer", "viewer password 1", { username: "victim" });
  app = await startApp();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

async function signIn(p: Page, login: string, password: string) {
  await p.goto(`${app.url}/login`);
  await p.fill("#login", login);
  await p.fill("#password", password);
  await p.click("button[type=submit]");
}

describe("Content-Security-Policy and HSTS", () => {
  it("every page renders and works with no CSP violation", async () => {
    const job = await makeJob({ mode: "http", command: "【url】http://127.0.0.1:9/" });
    // A run page tails its output over server-sent events: that must work under the policy too.
    const run = await runJobNow(getDb(), ADMIN, job.id);
    const ctx: BrowserContext = await desktop(browser);
    const page = await ctx.newPage();
    const violations: string[] = [];
    page.on("console", (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(`${page.url()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => violations.push(`${page.url()}: ${e.message}`));
    await signIn(page, "boss", "correct horse battery");
    await page.waitForURL(`${app.url}/`);
    const routes = [
      "/",
      "/jobs",
      "/jobs/new",
      `/jobs/${job.id}`,
      `/jobs/${job.id}/edit`,
      "/runs",
      `/runs/${run.id}`,
      "/mail",
      "/reports",
      "/sites",
      "/alarms",
      "/docs",
      "/account",
      "/admin",
      "/admin/users",
      "/admin/tokens",
      "/admin/ip",
    ];
    for (const route of routes) {
      const res = await page.goto(`${app.url}${route}`);
      expect(res?.status(), route).toBeLessThan(400);
      expect(res?.headers()["content-security-policy"], route).toContain("default-src 'self'");
      // Hydrated: client components answer (the tRPC client loaded its data or the page settled).
      await page.waitForLoadState("networkidle");
    }
    // The app's own client-side navigation and tRPC calls work under the policy.
    await page.goto(`${app.url}/jobs`);
    await page.click(`a[href="/jobs/${job.id}"]`);
    await page.waitForURL(`${app.url}/jobs/${job.id}`);
    expect(violations).toEqual([]);
    await ctx.close();
  }, 120_000);

  it("sends HSTS only when served over https (behind a TLS proxy)", async () => {
    const plain = await fetch(`${app.url}/login`);
    expect(plain.headers.get("strict-transport-security")).toBeNull();
    const tls = await fetch(`${app.url}/login`, { headers: { "x-forwarded-proto": "https" } });
    expect(tls.headers.get("strict-transport-security")).toContain("max-age=");
  });
});

describe("sessions in the browser", () => {
  it("signing out ends the session: the old cookie no longer works", async () => {
    const ctx = await desktop(browser);
    const page = await ctx.newPage();
    await signIn(page, "boss", "correct horse battery");
    await page.waitForURL(`${app.url}/`);
    const cookie = (await ctx.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
    const me = () => fetch(`${app.url}/api/trpc/account.me`, { headers: { cookie } }).then((r) => r.status);
    expect(await me()).toBe(200);
    await page.click("[data-testid=sign-out]");
    await page.waitForURL(/\/login/);
    expect(await me()).toBe(401);
    await ctx.close();
  });

  it("a password change keeps this session and ends the one signed in just before it", async () => {
    await makeUser("operator", "first password 1", { username: "changer" });
    const other = await desktop(browser);
    const otherPage = await other.newPage();
    await signIn(otherPage, "changer", "first password 1");
    await otherPage.waitForURL(`${app.url}/`);
    const mine = await desktop(browser);
    const page = await mine.newPage();
    await signIn(page, "changer", "first password 1");
    await page.waitForURL(`${app.url}/`);
    const cookieOf = async (c: BrowserContext) =>
      (await c.cookies()).map((k) => `${k.name}=${k.value}`).join("; ");
    const me = async (c: BrowserContext) =>
      (await fetch(`${app.url}/api/trpc/account.me`, { headers: { cookie: await cookieOf(c) } })).status;
    expect(await me(other)).toBe(200);
    await page.goto(`${app.url}/account`);
    await page.fill("#pw-current", "first password 1");
    await page.fill("#pw-new", "second password 2");
    await page.click("form:has(#pw-new) button[type=submit]");
    await page.waitForSelector("form:has(#pw-new) [role=status]");
    expect(await me(mine)).toBe(200);
    expect(await me(other)).toBe(401);
    await mine.close();
    await other.close();
  });

  it("the sign-in form locks an account after 10 failures, the same way for a made-up one", async () => {
    const ctx = await desktop(browser);
    const page = await ctx.newPage();
    const alert = async () => (await page.locator("form [role=alert]").first().textContent())?.trim();
    const texts: Record<string, string[]> = { victim: [], nobody: [] };
    for (const login of ["victim", "nobody"]) {
      for (let i = 0; i < 10; i++) {
        await signIn(page, login, `wrong password ${i}`);
        await page.waitForSelector("form [role=alert]");
        texts[login]?.push((await alert()) ?? "");
      }
    }
    expect(texts.victim?.at(0)).toContain("Wrong username or password");
    expect(texts.victim?.at(-1)).toContain("Too many failed sign-ins");
    expect(texts.nobody).toEqual(texts.victim);
    // Locked: the right password is refused too.
    await signIn(page, "victim", "viewer password 1");
    await page.waitForSelector("form [role=alert]");
    expect(await alert()).toContain("Too many failed sign-ins");
    expect(new URL(page.url()).pathname).toBe("/login");
    await ctx.close();
  }, 120_000);
});
