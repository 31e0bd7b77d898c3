import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningApp, startApp } from "../helpers/app";
import { makeUser } from "../helpers/users";

let app: RunningApp;
beforeAll(async () => {
  await makeUser("admin");
  app = await startApp();
});
afterAll(async () => app?.stop());

/** Every page the app has, from the file system: app/**\/page.tsx → URL (dynamic parts = 1). */
function pageRoutes(dir = "app", prefix = ""): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) {
      if (entry.startsWith("_") || entry === "api") continue;
      const seg = entry.startsWith("(") ? "" : entry.startsWith("[") ? "/1" : `/${entry}`;
      out.push(...pageRoutes(full, prefix + seg));
    } else if (entry === "page.tsx") out.push(prefix || "/");
  }
  return out;
}

// A share link opens one run's report without an account (issue 11): public by design.
const PUBLIC_PAGES = ["/login", "/setup", "/share/1"];

describe("access without a session", () => {
  it("finds the pages", () => {
    expect(pageRoutes()).toEqual(
      expect.arrayContaining(["/", "/mail", "/mail/1", "/admin/users", "/login", "/setup"]),
    );
  });

  it("redirects every protected page to /login", async () => {
    const protectedPages = pageRoutes().filter((r) => !PUBLIC_PAGES.includes(r));
    expect(protectedPages.length).toBeGreaterThan(8);
    for (const route of protectedPages) {
      const res = await fetch(`${app.url}${route}`, { redirect: "manual" });
      expect(res.status, route).toBe(307);
      expect(new URL(res.headers.get("location") ?? "", app.url).pathname, route).toBe("/login");
    }
  });

  it("serves the public pages and health", async () => {
    expect((await fetch(`${app.url}/login`)).status).toBe(200);
    // An unknown share token is answered in place (no sign-in page), saying the link is gone.
    const share = await fetch(`${app.url}/share/1`, { redirect: "manual" });
    expect(share.status).toBe(200);
    expect(await share.text()).toContain('data-testid="share-gone"');
    const health = await fetch(`${app.url}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: "ok", db: { ok: true }, workers: { live: 1 } });
  });

  it("serves the icons and the web app manifest without a session, linked from every page", async () => {
    const files: [string, string][] = [
      ["/manifest.webmanifest", "application/manifest+json"],
      ["/favicon.ico", "image/"],
      ["/icon.svg", "image/svg+xml"],
      ["/apple-touch-icon.png", "image/png"],
      ["/icons/icon-192.png", "image/png"],
      ["/icons/icon-512.png", "image/png"],
      ["/icons/maskable-512.png", "image/png"],
    ];
    for (const [url, type] of files) {
      const res = await fetch(`${app.url}${url}`, { redirect: "manual" });
      expect(res.status, url).toBe(200);
      expect(res.headers.get("content-type"), url).toContain(type);
    }
    const html = await (await fetch(`${app.url}/login`)).text();
    expect(html).toContain('<link rel="manifest" href="/manifest.webmanifest"');
    expect(html).toMatch(/<link rel="apple-touch-icon" href="\/apple-touch-icon.png"/);
    expect(html).toMatch(/<link rel="icon" href="\/icon.svg"/);
  });

  it("answers 401 from the API instead of redirecting", async () => {
    const trpc = await fetch(`${app.url}/api/trpc/dashboard.summary`);
    expect(trpc.status).toBe(401);
    const attachment = await fetch(`${app.url}/api/mail/1/attachments/1`);
    expect(attachment.status).toBe(401);
  });

  it("reports 503 when no worker is alive", async () => {
    app.worker.kill("SIGKILL");
    // The heartbeat is every second here; a worker counts as dead after WORKER_DEAD_AFTER_SECONDS.
    const { waitFor } = await import("../helpers/wait");
    await waitFor(
      "health to turn 503",
      async () => (await fetch(`${app.url}/api/health`)).status === 503,
      40_000,
      500,
    );
  });
});
