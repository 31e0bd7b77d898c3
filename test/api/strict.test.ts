/**
 * The TimerJobs API with compatibility mode off (real HTTP statuses), mounted under a prefix,
 * open to loopback without a token (API_LOOPBACK_ROLE), and no trusted proxies: a client
 * cannot pick its own address with X-Forwarded-For or the internal header.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../server/db/client";
import { addIpRule } from "../../server/ipcontrol/rules";
import { type RunningApp, startApp } from "../helpers/app";
import { client, tokenFor } from "./helpers";

let app: RunningApp;
let anon: ReturnType<typeof client>;
let admin: ReturnType<typeof client>;

beforeAll(async () => {
  const t = await tokenFor("admin");
  app = await startApp({
    TIMERJOBS_COMPAT_MODE: "0",
    TIMERJOBS_API_PREFIX: "/timerjobs",
    API_LOOPBACK_ROLE: "viewer",
  });
  anon = client(app.url, null);
  admin = client(app.url, t.token);
});
afterAll(async () => app?.stop());

describe("under a prefix, with real HTTP statuses", () => {
  it("mounts the API under TIMERJOBS_API_PREFIX and leaves /jobs/* to the UI", async () => {
    expect((await admin.get("/timerjobs/jobs/list")).body).toMatchObject({ code: 200, total: 0 });
    expect((await admin.get("/timerjobs/health")).status).toBe(200);
    expect((await admin.get("/timerjobs/jobs/health")).status).toBe(200);
    const page = await admin.get("/jobs/list");
    expect(page.status).toBe(307);
    expect(page.headers.get("location")).toContain("/login");
    const unknown = await admin.get("/timerjobs/jobs/nope");
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 404, msg: expect.stringContaining("/jobs/nope") });
  });

  it("answers errors with their HTTP status", async () => {
    const bad = await admin.post("/timerjobs/jobs/add", {
      name: "x",
      cron_expr: "nope",
      mode: "http",
      command: "http://a.test",
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 400, msg: expect.stringMatching(/^cron_expr: /) });
    expect((await admin.get("/timerjobs/jobs/read", { query: { id: 424242 } })).status).toBe(404);
    expect((await admin.get("/timerjobs/jobs/add")).status).toBe(405);
    expect((await anon.get("/timerjobs/jobs/list", { token: "kairos_wrong" })).status).toBe(401);
    const ok = await admin.post("/timerjobs/jobs/add", {
      name: "strict",
      cron_expr: "0 0 1 * *",
      mode: "http",
      command: "http://a.test",
    });
    expect(ok.status).toBe(200);
    const dup = await admin.post("/timerjobs/jobs/add", {
      name: "strict",
      cron_expr: "0 0 1 * *",
      mode: "http",
      command: "http://a.test",
    });
    expect(dup.status).toBe(409);
  });

  it("lets loopback read without a token, with API_LOOPBACK_ROLE's rights only", async () => {
    const list = await anon.get("/timerjobs/jobs/list");
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(1);
    const add = await anon.post("/timerjobs/jobs/add", {
      name: "y",
      cron_expr: "* * * * *",
      mode: "http",
      command: "http://a.test",
    });
    expect(add.status).toBe(403);
    expect(add.body.msg).toContain("viewer");
    expect((await anon.get("/api/v1/jobs")).status).toBe(200);
    expect((await anon.post("/api/v1/jobs/1/run")).status).toBe(403);
  });

  it("ignores X-Forwarded-For and a forged client-address header when no proxy is trusted", async () => {
    await addIpRule(getDb(), { id: null, name: "test" }, { list: "deny", value: "10.66.0.0/16" });
    const forged: Record<string, string>[] = [
      { "x-forwarded-for": "10.66.1.1" },
      { "x-kairos-client-ip": "10.66.1.1" },
    ];
    for (const headers of forged) {
      const r = await admin.get("/timerjobs/jobs/list", { headers });
      expect(r.status, JSON.stringify(headers)).toBe(200);
    }
    const status = await admin.get<{ client_ip: string; blacklist: string[] }>(
      "/timerjobs/jobs/ip-control/status",
      {
        headers: { "x-forwarded-for": "10.66.1.1" },
      },
    );
    expect(status.body.data).toMatchObject({ client_ip: "127.0.0.1", blacklist: ["10.66.0.0/16"] });
  });
});
