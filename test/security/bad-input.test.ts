/**
 * Issue 7, Low: bad input is a 400 naming the field, never a 500, and no error carries SQL —
 * NUL bytes in text, impossible dates that match the pattern, 20-digit ids; over the TimerJobs
 * API, /api/v1 and tRPC.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { handleCompat } from "../../server/api/compat/handle";
import { API_MAX_BODY_BYTES } from "../../server/api/core";
import { handleV1 } from "../../server/api/v1/handle";
import { resetEnvCache } from "../../server/lib/env";
import { tokenFor } from "../api/helpers";
import { makeJob } from "../helpers/jobs";
import { httpCall, makeUser } from "../helpers/users";

let token: string;
let jobId: number;
beforeAll(async () => {
  process.env.TIMERJOBS_COMPAT_MODE = "false";
  resetEnvCache();
  token = (await tokenFor("admin")).token;
  jobId = (await makeJob({ mode: "http", command: "【url】http://a.test/" })).id;
});

const SQL_WORDS = /\b(select|insert|update|delete from|failed query|params:)\b/i;

async function compat(method: "GET" | "POST", path: string, body?: unknown, query = "") {
  const res = await handleCompat(
    new Request(`http://localhost${path}${query}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
    path,
  );
  const json = (await res.json()) as { code: number; msg: string };
  return json;
}

async function v1(method: "GET" | "POST" | "PUT", path: string, body?: unknown) {
  const res = await handleV1(
    new Request(`http://localhost/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
    path,
  );
  return { status: res.status, text: await res.text() };
}

const newJob = (extra: Record<string, unknown>) => ({
  name: `bad ${Math.random().toString(36).slice(2, 7)}`,
  cron_expr: "0 0 0 1 1 *",
  mode: "http",
  command: "http://a.test/",
  ...extra,
});

describe("the TimerJobs API", () => {
  it("NUL bytes in any text field → 400 naming the field", async () => {
    for (const [field, extra] of [
      ["name", { name: "a\u0000b" }],
      ["desc", { desc: "x\u0000" }],
      ["command", { command: "http://a.test/\u0000" }],
    ] as const) {
      const r = await compat("POST", "/jobs/add", newJob(extra));
      expect(r.code, field).toBe(400);
      expect(r.msg).toContain(field);
      expect(r.msg).toContain("NUL");
    }
  });

  it("an impossible date that matches YYYY-MM-DD → 400 on date", async () => {
    const r = await compat("GET", "/jobs/logs", undefined, `?id=${jobId}&date=2024-13-45`);
    expect(r.code).toBe(400);
    expect(r.msg).toContain("date");
    expect((await compat("GET", "/jobs/logs", undefined, `?id=${jobId}&date=2024-02-30`)).code).toBe(400);
    expect((await compat("GET", "/jobs/logs", undefined, `?id=${jobId}&date=2024-02-29`)).code).toBe(200);
  });

  it("a 20-digit id → 400 on id", async () => {
    for (const path of ["/jobs/read", "/jobs/run", "/jobs/del", "/jobs/logs"]) {
      const r = await compat(
        path === "/jobs/read" || path === "/jobs/logs" ? "GET" : "POST",
        path,
        undefined,
        "?id=12345678901234567890",
      );
      expect(r.code, path).toBe(400);
      expect(r.msg, path).toContain("id");
    }
    const body = await compat("POST", "/jobs/run", { id: 1.2345678901234567e19 });
    expect(body.code).toBe(400);
  });

  it("over-long fields say too long", async () => {
    for (const [field, extra] of [
      ["desc", { desc: "x".repeat(3000) }],
      ["cron_expr", { cron_expr: "*".repeat(300) }],
      ["command", { command: `http://a.test/${"x".repeat(100_001)}` }],
    ] as const) {
      const r = await compat("POST", "/jobs/add", newJob(extra));
      expect(r.code, field).toBe(400);
      expect(r.msg, field).toContain(`${field}: too long`);
      expect(r.msg, field).not.toContain("must be text");
    }
    expect((await compat("POST", "/jobs/add", newJob({ desc: 5 }))).msg).toContain("desc: must be text");
  });
});

describe("bodies over the limit", () => {
  it("get 413 naming the limit (TimerJobs API and /api/v1), not 'invalid JSON'", async () => {
    const huge = JSON.stringify(newJob({ desc: "x".repeat(API_MAX_BODY_BYTES) }));
    const r = await handleCompat(
      new Request("http://localhost/jobs/add", {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: huge,
      }),
      "/jobs/add",
    );
    expect(r.status).toBe(413);
    expect(((await r.json()) as { msg: string }).msg).toContain(`${API_MAX_BODY_BYTES} bytes`);
    // Without a Content-Length (chunked), the limit holds while reading.
    const stream = new ReadableStream({
      start(c) {
        for (let i = 0; i < 20; i++) c.enqueue(new TextEncoder().encode("x".repeat(API_MAX_BODY_BYTES / 10)));
        c.close();
      },
    });
    const v = await handleV1(
      new Request("http://localhost/api/v1/jobs", {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: stream,
        duplex: "half",
      } as RequestInit),
      "/jobs",
    );
    expect(v.status).toBe(413);
    expect(await v.text()).toContain("limit");
  });
});

describe("/api/v1", () => {
  it("NUL and 20-digit numbers → 400 naming the field, never SQL", async () => {
    const nul = await v1("POST", "/jobs", {
      name: "a\u0000",
      mode: "http",
      cron: "* * * * *",
      command: "http://a.test",
    });
    expect(nul.status).toBe(400);
    expect(nul.text).toContain("name");
    const big = await v1("PUT", `/jobs/${jobId}`, {
      name: "big",
      mode: "http",
      cron: "* * * * *",
      command: "http://a.test",
      maxRunCount: 1.2345678901234567e19,
    });
    expect(big.status).toBe(400);
    expect(big.text).toContain("maxRunCount");
    for (const r of [nul, big]) expect(r.text).not.toMatch(SQL_WORDS);
  });
});

describe("tRPC", () => {
  it("NUL bytes and 20-digit ids → BAD_REQUEST with a field message, no SQL", async () => {
    const admin = await makeUser("admin");
    const got = await httpCall(admin, "jobs.get", { id: 1.2345678901234567e19 }, "GET");
    expect(got.status).toBe(400);
    expect(got.error?.message).toContain("id");
    const runs = await httpCall(admin, "runs.list", { jobId: 1.2345678901234567e19 }, "GET");
    expect(runs.status).toBe(400);
    const created = await httpCall(admin, "jobs.create", {
      name: "n\u0000",
      mode: "http",
      cron: "* * * * *",
      timezone: "UTC",
      command: "【url】http://a.test/",
    });
    expect(created.status).toBe(400);
    expect(created.error?.data.fieldErrors).toHaveProperty("name");
    for (const r of [got, runs, created]) expect(JSON.stringify(r.error)).not.toMatch(SQL_WORDS);
  });
});
