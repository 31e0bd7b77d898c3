/**
 * The native API (/api/v1) and the OpenAPI document, against the running app: jobs CRUD and
 * actions, runs and their output, tokens and IP rules, real statuses and per-field errors.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../server/db/client";
import { apiTokens, jobs } from "../../server/db/schema";
import { type RunningApp, startApp } from "../helpers/app";
import { type HitServer, jobRow, startHitServer, waitForFinishedRuns } from "../helpers/jobs";
import { tokenFor } from "./helpers";

let app: RunningApp;
let peer: HitServer;
let adminToken: string;
let viewerToken: string;

async function call<T = Record<string, unknown>>(
  method: string,
  path: string,
  body?: unknown,
  token: string | null = adminToken,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${app.url}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

type ApiError = { error: { status: number; message: string; fields: Record<string, string[]> | null } };
type Job = {
  id: number;
  name: string;
  cron: string;
  state: string;
  params: Record<string, unknown>;
  commandText: string;
};

beforeAll(async () => {
  peer = await startHitServer();
  adminToken = (await tokenFor("admin", "personal")).token;
  viewerToken = (await tokenFor("viewer")).token;
  app = await startApp();
});
afterAll(async () => {
  await app?.stop();
  await peer?.close();
});

describe("/api/v1 jobs", () => {
  let job: Job;

  it("creates a job from structured params (201) and from the 【key】value text", async () => {
    const r = await call<Job>("POST", "/api/v1/jobs", {
      name: "v1 http",
      cron: "0 */5 * * * *",
      timezone: "UTC",
      mode: "http",
      params: { url: `${peer.url}/v1`, method: "post", headers: [["X-Kairos", "1"]] },
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ name: "v1 http", state: "waiting", params: { method: "POST" } });
    expect(r.body.commandText).toBe(`【url】${peer.url}/v1\n【mode】POST\n【headers】X-Kairos:1`);
    job = r.body;
    const text = await call<Job>("POST", "/api/v1/jobs", {
      name: "v1 text",
      cron: "0 0 1 * *",
      mode: "func",
      command: "【name】Echo\n【arg】a,b",
    });
    expect(text.status).toBe(201);
    expect(text.body.params).toEqual({ name: "Echo", args: ["a", "b"] });
  });

  it("refuses bad input with 400 and every field named; nothing is saved", async () => {
    const before = (await getDb().select().from(jobs)).length;
    const r = await call<ApiError>("POST", "/api/v1/jobs", {
      name: "",
      cron: "* * *",
      mode: "http",
      params: { url: "x" },
    });
    expect(r.status).toBe(400);
    expect(r.body.error.fields).toHaveProperty("name");
    expect(r.body.error.message).toMatch(/name: /);
    const cron = await call<ApiError>("POST", "/api/v1/jobs", {
      name: "n",
      cron: "* * *",
      mode: "http",
      params: { url: "http://a.test" },
    });
    expect(cron.body.error.fields).toHaveProperty("cron");
    const params = await call<ApiError>("POST", "/api/v1/jobs", {
      name: "n",
      cron: "* * * * *",
      mode: "http",
      params: { url: "ftp://x" },
    });
    expect(params.body.error.fields).toHaveProperty(["params.url"]);
    const dup = await call<ApiError>("POST", "/api/v1/jobs", {
      name: "v1 http",
      cron: "* * * * *",
      mode: "http",
      command: "http://a.test",
    });
    expect(dup.status).toBe(409);
    expect(dup.body.error.fields).toEqual({ name: ["a job with this name exists"] });
    const notJson = await fetch(`${app.url}/api/v1/jobs`, {
      method: "POST",
      headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
      body: "{nope",
    });
    expect(notJson.status).toBe(400);
    expect((await getDb().select().from(jobs)).length).toBe(before);
  });

  it("reads, lists (paged), replaces and deletes", async () => {
    expect((await call<Job>("GET", `/api/v1/jobs/${job.id}`)).body.name).toBe("v1 http");
    const list = await call<{ items: Job[]; total: number; page: number; size: number }>(
      "GET",
      "/api/v1/jobs?size=1&page=2",
    );
    expect(list.body).toMatchObject({ total: 2, page: 2, size: 1 });
    expect(list.body.items).toHaveLength(1);
    const put = await call<Job>("PUT", `/api/v1/jobs/${job.id}`, {
      name: "v1 http renamed",
      cron: "0 0 * * *",
      mode: "http",
      command: `${peer.url}/v1`,
      state: "stopped",
    });
    expect(put.status).toBe(200);
    expect(await jobRow(job.id)).toMatchObject({
      name: "v1 http renamed",
      state: "stopped",
      nextFireAt: null,
    });
    expect((await call("GET", "/api/v1/jobs/999999")).status).toBe(404);
    expect((await call("GET", "/api/v1/jobs/abc")).status).toBe(404);
    // PATCH changes only what it names: an empty patch changes nothing.
    expect((await call("PATCH", `/api/v1/jobs/${job.id}`, {})).status).toBe(200);
    expect(await jobRow(job.id)).toMatchObject({ name: "v1 http renamed", state: "stopped" });
    expect((await call("DELETE", "/api/v1/jobs")).status).toBe(405);
  });

  it("runs a job, and the run and its output come back, chunk by chunk", async () => {
    const run = await call<{ id: number; status: string }>("POST", `/api/v1/jobs/${job.id}/run`);
    expect(run.status).toBe(202);
    expect(run.body.status).toBe("queued");
    await waitForFinishedRuns(job.id, 1);
    const r = await call<{ status: string; trigger: string; httpStatus: number }>(
      "GET",
      `/api/v1/runs/${run.body.id}`,
    );
    expect(r.body).toMatchObject({ status: "succeeded", trigger: "api", httpStatus: 200 });
    const runs = await call<{ items: { id: number }[]; total: number }>("GET", `/api/v1/jobs/${job.id}/runs`);
    expect(runs.body.items.map((x) => x.id)).toEqual([run.body.id]);
    const byFilter = await call<{ total: number }>("GET", `/api/v1/runs?jobId=${job.id}&status=succeeded`);
    expect(byFilter.body.total).toBe(1);
    const log = await call<{ finished: boolean; nextSeq: number; chunks: { data: string }[] }>(
      "GET",
      `/api/v1/runs/${run.body.id}/log`,
    );
    expect(log.body.finished).toBe(true);
    expect(log.body.chunks.map((c) => c.data).join("")).toContain("ok /v1");
    const after = await call<{ chunks: unknown[]; nextSeq: number }>(
      "GET",
      `/api/v1/runs/${run.body.id}/log?afterSeq=${log.body.nextSeq}`,
    );
    expect(after.body.chunks).toEqual([]);
    expect(after.body.nextSeq).toBe(log.body.nextSeq);
  });

  it("stops, restarts, clones, pauses the scheduler, cancels a run", async () => {
    const long = await call<Job>("POST", "/api/v1/jobs", {
      name: "v1 sleep",
      cron: "0 0 1 1 *",
      mode: "command",
      command: "【command】sleep 30",
    });
    const run = await call<{ id: number }>("POST", `/api/v1/jobs/${long.body.id}/run`);
    const cancel = await call<{ cancelled: number[]; signalled: number[] }>(
      "POST",
      `/api/v1/runs/${run.body.id}/cancel`,
    );
    expect([...cancel.body.cancelled, ...cancel.body.signalled]).toEqual([run.body.id]);
    await waitForFinishedRuns(long.body.id, 1);
    expect((await call<{ status: string }>("GET", `/api/v1/runs/${run.body.id}`)).body.status).toBe(
      "cancelled",
    );
    expect((await call<Job>("POST", `/api/v1/jobs/${long.body.id}/stop`)).body.state).toBe("stopped");
    expect((await call<Job>("POST", `/api/v1/jobs/${long.body.id}/restart`)).body.state).toBe("waiting");
    const copy = await call<Job>("POST", `/api/v1/jobs/${long.body.id}/clone`);
    expect(copy.status).toBe(201);
    expect(copy.body).toMatchObject({ name: "v1 sleep (copy)", state: "stopped" });
    expect((await call("PUT", "/api/v1/scheduler", { paused: true })).body).toEqual({ paused: true });
    expect((await call("GET", "/api/v1/scheduler")).body).toEqual({ paused: true });
    expect(
      (await call<ApiError>("PUT", "/api/v1/scheduler", { paused: "yes" })).body.error.fields,
    ).toHaveProperty("paused");
    await call("PUT", "/api/v1/scheduler", { paused: false });
    expect((await call("DELETE", `/api/v1/jobs/${copy.body.id}`)).status).toBe(204);
    expect(await jobRow(copy.body.id)).toBeUndefined();
  });

  it("is read-only for a viewer token and closed without one", async () => {
    expect((await call("GET", "/api/v1/jobs", undefined, viewerToken)).status).toBe(200);
    expect((await call("POST", `/api/v1/jobs/${job.id}/run`, undefined, viewerToken)).status).toBe(403);
    expect((await call("GET", "/api/v1/tokens", undefined, viewerToken)).status).toBe(403);
    expect((await call("GET", "/api/v1/jobs", undefined, null)).status).toBe(401);
    expect((await call<{ role: string }>("GET", "/api/v1/me", undefined, viewerToken)).body.role).toBe(
      "viewer",
    );
  });
});

describe("/api/v1 tokens and IP rules", () => {
  it("creates a token (shown once), lists it without the secret, revokes it for good", async () => {
    const created = await call<{
      token: string;
      info: { id: number; role: string; expiresAt: string; tokenPrefix: string };
    }>("POST", "/api/v1/tokens", { name: "ci", role: "operator", expires: "30d" });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^kairos_[A-Za-z0-9_-]{43}$/);
    expect(created.body.info.tokenPrefix).toBe(created.body.token.slice(0, 13));
    expect(new Date(created.body.info.expiresAt).getTime()).toBeGreaterThan(Date.now() + 29 * 86400_000);
    const list = await call<{ items: Record<string, unknown>[] }>("GET", "/api/v1/tokens");
    const listed = JSON.stringify(list.body);
    expect(listed).not.toContain(created.body.token);
    expect(listed).not.toContain("tokenHash");
    expect((await call<{ role: string }>("GET", "/api/v1/me", undefined, created.body.token)).body.role).toBe(
      "operator",
    );
    const dup = await call<ApiError>("POST", "/api/v1/tokens", { name: "CI", role: "viewer" });
    expect(dup.status).toBe(409);
    const bad = await call<ApiError>("POST", "/api/v1/tokens", { name: "x", role: "root", expires: "soon" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toHaveProperty("role");
    const revoked = await call<{ status: string }>("DELETE", `/api/v1/tokens/${created.body.info.id}`);
    expect(revoked.body.status).toBe("revoked");
    expect((await call("GET", "/api/v1/me", undefined, created.body.token)).status).toBe(401);
    expect((await call("DELETE", `/api/v1/tokens/${created.body.info.id}`)).status).toBe(412);
    const [row] = await getDb().select().from(apiTokens).where(eq(apiTokens.id, created.body.info.id));
    expect(row?.revokedAt).toBeInstanceOf(Date);
  });

  it("manages IP rules", async () => {
    const add = await call<{ id: number; cidr: string; value: string }>("POST", "/api/v1/ip-rules", {
      list: "deny",
      value: "2001:db8::1",
      note: "test",
    });
    expect(add.status).toBe(201);
    expect(add.body).toMatchObject({ cidr: "2001:db8::1/128", value: "2001:db8::1" });
    const list = await call<{ items: { id: number }[]; clientIp: string }>("GET", "/api/v1/ip-rules");
    expect(list.body.items.map((r) => r.id)).toContain(add.body.id);
    expect(list.body.clientIp).toBe("127.0.0.1");
    const lockout = await call<ApiError>("POST", "/api/v1/ip-rules", { list: "allow", value: "10.0.0.0/8" });
    expect(lockout.status).toBe(412);
    expect(lockout.body.error.fields).toHaveProperty("confirm");
    expect((await call("DELETE", `/api/v1/ip-rules/${add.body.id}`)).status).toBe(200);
    expect((await call("DELETE", `/api/v1/ip-rules/${add.body.id}`)).status).toBe(404);
  });
});

describe("/api/openapi.json", () => {
  type Doc = {
    openapi: string;
    info: { title: string; version: string };
    paths: Record<
      string,
      Record<
        string,
        {
          operationId: string;
          responses: Record<string, unknown>;
          parameters?: { name: string; in: string; schema: unknown }[];
        }
      >
    >;
    components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
  };

  it("is an OpenAPI 3.1 document covering every endpoint, with every reference resolving", async () => {
    const res = await fetch(`${app.url}/api/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as Doc;
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info.title).toBeTruthy();
    expect(doc.info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: "http", scheme: "bearer" });
    const seedPaths = [
      "/jobs/add",
      "/jobs/edit",
      "/jobs/del",
      "/jobs/list",
      "/jobs/read",
      "/jobs/run",
      "/jobs/stop",
      "/jobs/restart",
      "/jobs/runAll",
      "/jobs/stopAll",
      "/jobs/logs",
      "/jobs/zapLogs",
      "/jobs/jobStatus",
      "/jobs/jobState",
      "/jobs/scheduler",
      "/jobs/checkJob",
      "/jobs/switchState",
      "/jobs/dbinfo",
      "/jobs/reload-config",
      "/jobs/ip-control/status",
      "/jobs/ip-control/whitelist/add",
      "/jobs/ip-control/whitelist/remove",
      "/jobs/ip-control/blacklist/add",
      "/jobs/ip-control/blacklist/remove",
      "/jobs/functions",
      "/jobs/functions/reload",
      "/health",
      "/jobs/health",
      "/api/v1/jobs",
      "/api/v1/jobs/{id}",
      "/api/v1/runs/{id}/log",
    ];
    for (const p of seedPaths) expect(doc.paths, p).toHaveProperty([p]);
    expect(Object.keys(doc.paths["/jobs/add"] ?? {})).toEqual(["post"]);
    expect(Object.keys(doc.paths["/jobs/list"] ?? {})).toEqual(["get"]);

    const ids = new Set<string>();
    const methods = new Set(["get", "put", "post", "delete", "options", "head", "patch", "trace"]);
    for (const [path, item] of Object.entries(doc.paths)) {
      expect(path.startsWith("/"), path).toBe(true);
      for (const [method, op] of Object.entries(item)) {
        expect(methods.has(method), `${method} ${path}`).toBe(true);
        expect(ids.has(op.operationId), op.operationId).toBe(false);
        ids.add(op.operationId);
        expect(Object.keys(op.responses).length, `${method} ${path}`).toBeGreaterThan(0);
        for (const code of Object.keys(op.responses)) expect(code).toMatch(/^[1-5]\d\d$/);
        const pathParams = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
        for (const name of pathParams) {
          expect(
            op.parameters?.some((p) => p.in === "path" && p.name === name),
            `${name} in ${path}`,
          ).toBe(true);
        }
        for (const p of op.parameters ?? []) {
          expect(["query", "path", "header", "cookie"]).toContain(p.in);
          expect(p.schema, `${p.name} of ${path}`).toBeTruthy();
        }
      }
    }
    // Every $ref points at a schema that exists; no zod-internal $defs leak through.
    const text = JSON.stringify(doc);
    expect(text).not.toContain("#/$defs/");
    for (const [, name] of text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)) {
      expect(doc.components.schemas, name).toHaveProperty([name as string]);
    }
  });
});
