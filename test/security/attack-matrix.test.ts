/**
 * Issue 7, "done when": the web-side attacks re-run against the real app (production build,
 * worker, API_LOOPBACK_ROLE=admin, the proxy trusted so X-Forwarded-For can play a remote
 * client). Each row is an attack and what Kairos answers; the matrix is printed for the
 * closing note.
 */
import { count } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../server/db/client";
import { jobs } from "../../server/db/schema";
import { runJobNow } from "../../server/jobs/jobs";
import { type RunningApp, startApp } from "../helpers/app";
import { makeJob, runsOf, waitForFinishedRuns } from "../helpers/jobs";

let app: RunningApp;
const rows: string[] = [];
const jobCount = async () => (await getDb().select({ n: count() }).from(jobs))[0]?.n ?? 0;

beforeAll(async () => {
  app = await startApp({
    API_LOOPBACK_ROLE: "admin",
    TRUSTED_PROXIES: "127.0.0.1",
    TIMERJOBS_COMPAT_MODE: "false",
  });
});
afterAll(async () => {
  console.info(`\nattack matrix (issue 7, web side)\n${rows.join("\n")}\n`);
  await app?.stop();
});

const job = () =>
  JSON.stringify({
    name: `m-${Math.random().toString(36).slice(2, 8)}`,
    cron_expr: "0 0 0 1 1 *",
    mode: "command",
    command: "【command】id",
  });

async function attack(
  label: string,
  path: string,
  init: RequestInit & { headers?: Record<string, string> },
  expected: number,
): Promise<Response> {
  const before = await jobCount();
  const res = await fetch(`${app.url}${path}`, { redirect: "manual", ...init });
  const created = (await jobCount()) - before;
  rows.push(`${label.padEnd(72)} → ${res.status}${created ? ` (${created} job created)` : ""}`);
  expect(res.status, label).toBe(expected);
  return res;
}

const post = (headers: Record<string, string>, body: string | ReadableStream = job()) => ({
  method: "POST",
  headers,
  body,
});

describe("attacks on the web side", () => {
  it("first-run setup from another machine asks for the start-up code", async () => {
    const remote = await (
      await attack(
        "GET /setup from 203.0.113.5 (no admin yet)",
        "/setup",
        { headers: { "x-forwarded-for": "203.0.113.5" } },
        200,
      )
    ).text();
    expect(remote).toContain('name="code"');
    const local = await (await attack("GET /setup from loopback (no admin yet)", "/setup", {}, 200)).text();
    expect(local).not.toContain('name="code"');
  });

  it("loopback role: only for same-machine scripts that send JSON", async () => {
    const json = { "content-type": "application/json" };
    await attack(
      "loopback script, JSON, no token: POST /jobs/add (migration aid)",
      "/jobs/add",
      post(json),
      200,
    );
    await attack(
      "loopback, text/plain body (CORS simple request)",
      "/jobs/add",
      post({ "content-type": "text/plain" }),
      415,
    );
    await attack("loopback, no Content-Type", "/jobs/add", post({}), 415);
    await attack(
      "local browser page of evil.example (Origin)",
      "/jobs/add",
      post({ ...json, origin: "http://evil.example" }),
      403,
    );
    await attack(
      "local browser, Sec-Fetch-Site: cross-site",
      "/jobs/add",
      post({ ...json, "sec-fetch-site": "cross-site" }),
      403,
    );
    await attack(
      "form post from evil.example",
      "/jobs/add",
      post(
        { "content-type": "application/x-www-form-urlencoded", origin: "http://evil.example" },
        new URLSearchParams(JSON.parse(job())).toString(),
      ),
      403,
    );
    await attack(
      "request carrying X-Kairos-Run (an http job's)",
      "/jobs/add",
      post({ ...json, "x-kairos-run": "7" }),
      401,
    );
    await attack(
      "remote 203.0.113.5, no token",
      "/jobs/add",
      post({ ...json, "x-forwarded-for": "203.0.113.5" }),
      401,
    );
    await attack("/api/v1/jobs, text/plain", "/api/v1/jobs", post({ "content-type": "text/plain" }), 415);
    await attack(
      "/api/v1/jobs, Origin evil.example",
      "/api/v1/jobs",
      post({ ...json, origin: "http://evil.example" }),
      403,
    );
  });

  it("an operator's http job aimed at Kairos on 127.0.0.1 gets no loopback role", async () => {
    const before = await jobCount();
    const j = await makeJob({
      mode: "http",
      command: `【url】${app.url.replace("localhost", "127.0.0.1")}/jobs/add\n【mode】POST\n【headers】Content-Type:application/json\n【data】${JSON.stringify({ name: "via-job", cron_expr: "0 0 0 1 1 *", mode: "http", command: "http://a.test" })}`,
    });
    await runJobNow(getDb(), { id: null, name: "operator", role: "operator" }, j.id);
    const [r] = await waitForFinishedRuns(j.id, 1, 30_000);
    rows.push(
      `${"operator's http job POSTing /jobs/add to 127.0.0.1".padEnd(72)} → run ${r?.status}, HTTP ${r?.httpStatus}`,
    );
    expect(r?.httpStatus).toBe(401);
    expect(await jobCount()).toBe(before + 1);
    expect((await runsOf(j.id)).length).toBe(1);
  });

  it("tRPC: cross-site mutations and giant batches are refused", async () => {
    await attack(
      "tRPC POST jobs.create from evil.example",
      "/api/trpc/jobs.create",
      post({ "content-type": "application/json", origin: "http://evil.example" }, "{}"),
      403,
    );
    const batch = Array.from({ length: 800 }, () => "account.setupNeeded").join(",");
    await attack("tRPC batch of 800 procedures", `/api/trpc/${batch}?batch=1&input={}`, {}, 400);
  });

  it("bad input is a 400 (or 413), never a 500", async () => {
    const json = { "content-type": "application/json" };
    await attack(
      "body of 2 MiB",
      "/jobs/add",
      post(json, JSON.stringify({ desc: "x".repeat(2 * 1024 * 1024) })),
      413,
    );
    await attack(
      "NUL in a job name",
      "/jobs/add",
      post(json, JSON.stringify({ ...JSON.parse(job()), name: "a\u0000b" })),
      400,
    );
    await attack("impossible date 2024-13-45", "/jobs/logs?id=1&date=2024-13-45", {}, 400);
    await attack("20-digit id", "/jobs/read?id=12345678901234567890", {}, 400);
    await attack(
      "over-long desc",
      "/jobs/add",
      post(json, JSON.stringify({ ...JSON.parse(job()), desc: "x".repeat(5000) })),
      400,
    );
  });

  it("HSTS only over https, CSP always", async () => {
    const res = await fetch(`${app.url}/login`, { headers: { "x-forwarded-proto": "https" } });
    rows.push(
      `${"GET /login via a TLS proxy".padEnd(72)} → CSP ${res.headers.get("content-security-policy") ? "yes" : "no"}, HSTS ${res.headers.get("strict-transport-security") ? "yes" : "no"}`,
    );
    expect(res.headers.get("strict-transport-security")).toContain("max-age");
  });
});
