/**
 * Admin › API tokens, Admin › IP control and the /docs page in Chromium, on the production
 * build with a real worker: desktop (1280×800, English) and a WeChat-style phone (390×844,
 * Chinese). Screenshots land in test-results/screens/.
 */
import { eq, sql } from "drizzle-orm";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../server/db/client";
import { apiTokens, ipRules } from "../../server/db/schema";
import enAdmin from "../../server/i18n/messages/admin/en.json";
import zhAdmin from "../../server/i18n/messages/admin/zh-CN.json";
import { hashToken } from "../../server/tokens/tokens";
import { type RunningApp, startApp } from "../helpers/app";
import { desktop, launchBrowser, phone, screenshotPath } from "../helpers/browser";
import { makeUser } from "../helpers/users";

let app: RunningApp;
let browser: Browser;
let ctx: BrowserContext;
let page: Page;
let token = "";

async function noSidewaysScroll(p: Page) {
  expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
    await p.evaluate(() => window.innerWidth),
  );
}

beforeAll(async () => {
  await makeUser("admin", "correct horse battery", { username: "boss" });
  app = await startApp();
  browser = await launchBrowser();
  ctx = await desktop(browser);
  page = await ctx.newPage();
  await page.goto(`${app.url}/login`);
  await page.fill("#login", "boss");
  await page.fill("#password", "correct horse battery");
  await page.click("button[type=submit]");
  await page.waitForURL(`${app.url}/`);
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

/** Rules written behind the web process's back: move the version so every process reloads them. */
async function bumpIpVersion() {
  await getDb().execute(sql`
    insert into settings (key, value) values ('ip_rules_version', '1'::jsonb)
    on conflict (key) do update set value = to_jsonb((settings.value #>> '{}')::bigint + 1)`);
}

function keys(o: object, prefix = ""): string[] {
  return Object.entries(o).flatMap(([k, v]) =>
    v && typeof v === "object" ? keys(v as object, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

describe("Admin › API tokens", () => {
  it("has every message in both languages", () => {
    expect(keys(zhAdmin).sort()).toEqual(keys(enAdmin).sort());
  });

  it("shows the tabs and an empty list", async () => {
    await page.goto(`${app.url}/admin/tokens`);
    const tabs = page.getByRole("navigation", { name: "admin" });
    expect(await tabs.getByRole("link").allTextContents()).toEqual([
      "Users",
      "API tokens",
      "IP control",
      "Secrets",
      "Webhooks",
      "Logs",
      "System",
      "Audit log",
      "Backup",
    ]);
    await expect.poll(() => page.getByText("No API tokens yet.").isVisible()).toBe(true);
  });

  it("refuses a token without a name, naming the field", async () => {
    await page.getByRole("button", { name: "New token" }).click();
    await page.getByRole("button", { name: "Create", exact: true }).click();
    await expect.poll(() => page.locator("#tk-name-error").textContent()).toBe("required");
    expect(await getDb().select().from(apiTokens)).toHaveLength(0);
  });

  it("creates a token, shows it once, and it works against the API", async () => {
    await page.fill("#tk-name", "backup script");
    await page.selectOption("#tk-role", "viewer");
    await page.selectOption("#tk-expires", "30");
    await page.getByRole("button", { name: "Create", exact: true }).click();
    const shown = page.getByTestId("new-token");
    await expect.poll(() => shown.isVisible()).toBe(true);
    token = (await shown.textContent()) ?? "";
    expect(token).toMatch(/^kairos_/);
    await page.screenshot({ path: screenshotPath("admin-tokens-created-en-1280x800"), fullPage: true });
    const [row] = await getDb().select().from(apiTokens);
    expect(row).toMatchObject({
      name: "backup script",
      role: "viewer",
      kind: "service",
      tokenHash: hashToken(token),
    });
    expect(row?.expiresAt?.getTime()).toBeGreaterThan(Date.now() + 29 * 86400_000);
    const res = await fetch(`${app.url}/jobs/list`, { headers: { authorization: `Bearer ${token}` } });
    expect(((await res.json()) as { code: number }).code).toBe(200);

    await page.getByRole("button", { name: "Done" }).click();
    expect(await page.getByTestId("new-token").count()).toBe(0);
    // Never shown again: not in the page, not in the list's data.
    await page.reload();
    expect(await page.content()).not.toContain(token);
    const table = page.locator("table");
    await expect.poll(() => table.textContent()).toContain("backup script");
    expect(await table.textContent()).toContain(token.slice(0, 13));
    expect(await table.textContent()).toContain("127.0.0.1");
    await page.screenshot({ path: screenshotPath("admin-tokens-en-1280x800"), fullPage: true });
  });

  it("revokes a token after a confirmation; the API refuses it at once", async () => {
    const [row] = await getDb().select().from(apiTokens);
    await page.getByTestId(`revoke-${row?.id}`).filter({ visible: true }).click();
    await expect
      .poll(() => page.locator("table").getByText("Revoke “backup script”?").isVisible())
      .toBe(true);
    await page.locator("table").getByRole("button", { name: "Revoke", exact: true }).click();
    await expect.poll(() => page.getByText("Token “backup script” revoked.").isVisible()).toBe(true);
    const res = await fetch(`${app.url}/jobs/list`, { headers: { authorization: `Bearer ${token}` } });
    expect(((await res.json()) as { code: number }).code).toBe(401);
    // Revoked tokens are hidden unless asked for.
    await expect.poll(() => page.getByText("No API tokens yet.").isVisible()).toBe(true);
    await page.getByLabel("Show revoked").check();
    await expect.poll(() => page.locator("table").textContent()).toContain("Revoked");
  });

  it("works on a phone in Chinese", async () => {
    const p = await (await phone(browser, await ctx.storageState())).newPage();
    await p.goto(`${app.url}/admin/tokens?revoked=1`);
    await expect.poll(() => p.getByRole("button", { name: "新建令牌" }).isVisible()).toBe(true);
    await p.getByRole("button", { name: "新建令牌" }).click();
    await p.fill("#tk-name", "手机令牌");
    await p.getByRole("button", { name: "创建", exact: true }).click();
    await expect.poll(() => p.getByTestId("new-token").isVisible()).toBe(true);
    await noSidewaysScroll(p);
    await p.screenshot({ path: screenshotPath("admin-tokens-created-zh-390x844-wechat"), fullPage: true });
    await p.getByRole("button", { name: "完成" }).click();
    await expect.poll(() => p.getByText("手机令牌").filter({ visible: true }).count()).toBe(1);
    await noSidewaysScroll(p);
    await p.screenshot({ path: screenshotPath("admin-tokens-zh-390x844-wechat"), fullPage: true });
    await p.context().close();
  });
});

describe("Admin › IP control", () => {
  it("shows the caller's address and two empty lists", async () => {
    await page.goto(`${app.url}/admin/ip`);
    await expect.poll(() => page.getByTestId("client-ip").textContent()).toBe("Your address: 127.0.0.1");
    expect(await page.getByTestId("allow-empty").isVisible()).toBe(true);
    expect(await page.getByTestId("deny-empty").isVisible()).toBe(true);
  });

  it("refuses a bad address with the reason", async () => {
    await page.fill("#ip-value", "999.1.1.1");
    await page.getByRole("button", { name: "Add", exact: true }).click();
    await expect
      .poll(() => page.locator("#ip-value-error").textContent())
      .toContain("is not an IPv4 or IPv6 address");
    expect(await getDb().select().from(ipRules)).toHaveLength(0);
  });

  it("adds a deny range and removes it", async () => {
    await page.selectOption("#ip-list", "deny");
    await page.fill("#ip-value", "203.0.113.9/24");
    await page.fill("#ip-note", "scanner");
    await page.getByRole("button", { name: "Add", exact: true }).click();
    await expect.poll(() => page.getByTestId("deny-list").textContent()).toContain("203.0.113.0/24");
    expect(await page.getByTestId("deny-list").textContent()).toContain("scanner");
    expect(await getDb().select().from(ipRules)).toMatchObject([
      { list: "deny", cidr: "203.0.113.0/24", source: "ui" },
    ]);
    await page.screenshot({ path: screenshotPath("admin-ip-en-1280x800"), fullPage: true });
    await page.getByRole("button", { name: "Remove 203.0.113.0/24" }).click();
    await page.getByTestId("deny-list").getByRole("button", { name: "Remove", exact: true }).click();
    await expect.poll(() => page.getByTestId("deny-empty").isVisible()).toBe(true);
    expect(await getDb().select().from(ipRules)).toHaveLength(0);
  });

  it("warns before an allow list that would lock the admin out, and saves nothing on cancel", async () => {
    await page.selectOption("#ip-list", "allow");
    await page.fill("#ip-value", "10.0.0.0/8");
    await page.getByRole("button", { name: "Add", exact: true }).click();
    const dialog = page.getByRole("alertdialog");
    await expect.poll(() => dialog.isVisible()).toBe(true);
    expect(await dialog.textContent()).toContain("127.0.0.1");
    await page.screenshot({ path: screenshotPath("admin-ip-lockout-en-1280x800"), fullPage: true });
    await dialog.getByRole("button", { name: "Cancel" }).click();
    expect(await dialog.count()).toBe(0);
    expect(await getDb().select().from(ipRules).where(eq(ipRules.list, "allow"))).toHaveLength(0);
    // Including the admin's own address is no lock-out.
    await page.fill("#ip-value", "127.0.0.0/8");
    await page.getByRole("button", { name: "Add", exact: true }).click();
    await expect.poll(() => page.getByTestId("allow-list").textContent()).toContain("127.0.0.0/8");
    await page.getByRole("button", { name: "Remove 127.0.0.0/8" }).click();
    await page.getByTestId("allow-list").getByRole("button", { name: "Remove", exact: true }).click();
    await expect.poll(() => page.getByTestId("allow-empty").isVisible()).toBe(true);
  });

  it("works on a phone in Chinese", async () => {
    await getDb()
      .insert(ipRules)
      .values([
        {
          list: "deny",
          cidr: "2001:db8:dead:beef::/64",
          note: "IPv6 范围",
          source: "cli",
          createdByName: "root",
        },
        { list: "allow", cidr: "127.0.0.1/32", note: "本机", source: "env", createdByName: "env" },
      ]);
    await bumpIpVersion();
    const p = await (await phone(browser, await ctx.storageState())).newPage();
    await p.goto(`${app.url}/admin/ip`);
    await expect.poll(() => p.getByTestId("client-ip").textContent()).toBe("你的地址：127.0.0.1");
    await expect.poll(() => p.getByTestId("deny-list").textContent()).toContain("2001:db8:dead:beef::/64");
    await noSidewaysScroll(p);
    await p.screenshot({ path: screenshotPath("admin-ip-zh-390x844-wechat"), fullPage: true });
    await p.context().close();
    await getDb().delete(ipRules);
    await bumpIpVersion();
  });
});

describe("the jobs pages and the TimerJobs API side by side", () => {
  it("serves /jobs and /jobs/<n> as pages to a signed-in user, /jobs/list as the API", async () => {
    const { createJob } = await import("../../server/jobs/jobs");
    const job = await createJob(
      getDb(),
      { id: null, name: "test", role: "admin" },
      {
        name: "ui-probe",
        cron: "0 0 1 1 *",
        timezone: "UTC",
        mode: "http",
        command: "http://127.0.0.1:9/x",
        state: "stopped",
      },
    );
    const list = await page.goto(`${app.url}/jobs`);
    expect(list?.status()).toBe(200);
    expect(list?.headers()["content-type"]).toContain("text/html");
    await expect.poll(() => page.locator("main").textContent()).toContain("ui-probe");
    const one = await page.goto(`${app.url}/jobs/${job.id}`);
    expect(one?.status()).toBe(200);
    await expect.poll(() => page.locator("main").textContent()).toContain("ui-probe");
    // The API wants a token: a session cookie is not enough.
    const api = await page.request.get(`${app.url}/jobs/list`);
    expect(api.headers()["content-type"]).toContain("application/json");
    expect(await api.json()).toMatchObject({ code: 401 });
  });
});

describe("/docs", () => {
  it("documents every endpoint and tries one with a token", async () => {
    const t = await getDb().select().from(apiTokens).where(eq(apiTokens.name, "手机令牌"));
    expect(t).toHaveLength(1);
    // A fresh token for "Try it".
    const { createToken } = await import("../../server/tokens/tokens");
    const { token: tryToken } = await createToken(
      getDb(),
      { id: null, name: "test" },
      { name: "docs", role: "viewer" },
    );
    await page.goto(`${app.url}/docs`);
    expect(await page.locator("h1").textContent()).toBe("API documentation");
    const text = (await page.locator("main").textContent()) ?? "";
    for (const p of ["/jobs/add", "/jobs/ip-control/whitelist/add", "/health", "/api/v1/jobs/{id}/run"])
      expect(text).toContain(p);
    await page.screenshot({ path: screenshotPath("docs-en-1280x800") });
    await page.fill("#docs-token", tryToken);
    const op = page.locator("#timerjobs_jobs_list_get");
    await op.locator("summary").click();
    await op.getByRole("button", { name: "Try it" }).click();
    await op.getByRole("button", { name: "Send GET" }).click();
    await expect.poll(() => op.getByTestId("try-status").textContent()).toBe("200");
    expect(await op.getByTestId("try-response").textContent()).toContain('"code": 200');
    await page.screenshot({ path: screenshotPath("docs-try-en-1280x800"), fullPage: false });
    const openapi = await page.request.get(`${app.url}/api/openapi.json`);
    expect(openapi.status()).toBe(200);
  });

  it("reads in Chinese on a phone", async () => {
    const p = await (await phone(browser, await ctx.storageState())).newPage();
    await p.goto(`${app.url}/docs`);
    expect(await p.locator("h1").textContent()).toBe("API 文档");
    expect(await p.locator("main").textContent()).toContain("新增任务");
    await p.locator("#timerjobs_jobs_add_post summary").click();
    await noSidewaysScroll(p);
    await p.screenshot({ path: screenshotPath("docs-zh-390x844-wechat") });
    await p.context().close();
  });
});
