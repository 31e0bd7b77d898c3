/**
 * Issue 7, item 3: cross-site and loopback requests. With API_LOOPBACK_ROLE=admin, a page in a
 * browser on the same machine, or an operator's http job pointed at 127.0.0.1, must not act as
 * a loopback admin; JSON bodies need a JSON content type; tRPC mutations check Origin; tRPC
 * batches are capped. Requests go through the real dispatchers (and, for the http job, a real
 * HTTP server on loopback and a real worker).
 */
import http from "node:http";
import { count, eq } from "drizzle-orm";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handleCompat } from "../../server/api/compat/handle";
import { handleTrpc, TRPC_MAX_BATCH } from "../../server/api/trpc-http";
import { handleV1 } from "../../server/api/v1/handle";
import { getDb } from "../../server/db/client";
import { jobs, runLogs } from "../../server/db/schema";
import { runJobNow } from "../../server/jobs/jobs";
import { resetEnvCache } from "../../server/lib/env";
import { CLIENT_IP_HEADER } from "../../server/net/client-address";
import { type KairosWorker, startWorker } from "../../worker/index";
import { makeJob, waitForFinishedRuns } from "../helpers/jobs";
import { makeUser } from "../helpers/users";

const BASE = "http://localhost:3000";
const jobCount = async () => (await getDb().select({ n: count() }).from(jobs))[0]?.n ?? 0;
const newJob = () => ({
  name: `x-${Math.random().toString(36).slice(2, 8)}`,
  cron_expr: "0 0 0 1 1 *",
  mode: "command",
  command: "【command】id > /tmp/pwned",
});

function compat(path: string, body: string | undefined, headers: Record<string, string> = {}) {
  const req = new Request(`${BASE}${path}`, {
    method: "POST",
    headers: { [CLIENT_IP_HEADER]: "127.0.0.1", host: "localhost:3000", ...headers },
    body,
  });
  return handleCompat(req, path).then(async (r) => ({ status: r.status, body: await r.json() }));
}

let worker: KairosWorker;
let server: http.Server;
let serverUrl: string;

beforeAll(async () => {
  process.env.API_LOOPBACK_ROLE = "admin";
  process.env.KAIROS_CLIENT_IP_FROM_SOCKET = "1";
  resetEnvCache();
  // Kairos' TimerJobs API on a real loopback socket, the client address taken from the socket
  // as scripts/web.ts does.
  server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
    headers.set(CLIENT_IP_HEADER, req.socket.remoteAddress?.replace(/^::ffff:/, "") ?? "");
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const r = await handleCompat(
      new Request(`http://127.0.0.1${req.url}`, {
        method: req.method,
        headers,
        body: req.method === "GET" ? undefined : Buffer.concat(chunks),
      }),
      path,
    );
    res.writeHead(r.status, { "content-type": "application/json" }).end(await r.text());
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  serverUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  worker = await startWorker({
    databaseUrl: process.env.DATABASE_URL as string,
    concurrency: 2,
    scheduler: false,
  });
});
afterAll(async () => {
  await worker?.stop();
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  delete process.env.API_LOOPBACK_ROLE;
  resetEnvCache();
});

describe("the TimerJobs API and /api/v1 under API_LOOPBACK_ROLE", () => {
  it("accepts a loopback script that sends JSON as JSON (the migration aid still works)", async () => {
    const before = await jobCount();
    const r = await compat("/jobs/add", JSON.stringify({ ...newJob(), command: "【command】true" }), {
      "content-type": "application/json",
    });
    expect(r.body.code).toBe(200);
    expect(await jobCount()).toBe(before + 1);
  });

  it("refuses a JSON body sent as text/plain (a CORS simple request) with 415", async () => {
    const before = await jobCount();
    const r = await compat("/jobs/add", JSON.stringify(newJob()), { "content-type": "text/plain" });
    expect(r.body.code).toBe(415);
    expect(r.body.msg).toContain("application/json");
    const none = await compat("/jobs/add", JSON.stringify(newJob()));
    expect(none.body.code).toBe(415);
    expect(await jobCount()).toBe(before);
  });

  it("never gives the loopback role to a cross-site browser request", async () => {
    const before = await jobCount();
    const json = { "content-type": "application/json" };
    const cases: Record<string, string>[] = [
      { origin: "http://evil.example" },
      { origin: "null" },
      { "sec-fetch-site": "cross-site" },
      { "sec-fetch-site": "same-site", origin: "http://other.localhost:3000" },
    ];
    for (const h of cases) {
      const r = await compat("/jobs/add", JSON.stringify(newJob()), { ...json, ...h });
      expect(r.body.code, JSON.stringify(h)).toBe(403);
    }
    // A form post from another site (also a simple request) is refused the same way.
    const form = await compat("/jobs/add", new URLSearchParams(newJob()).toString(), {
      "content-type": "application/x-www-form-urlencoded",
      origin: "http://evil.example",
    });
    expect(form.body.code).toBe(403);
    // The app's own origin is fine.
    const own = await compat("/jobs/add", JSON.stringify({ ...newJob(), command: "【command】true" }), {
      ...json,
      origin: BASE,
      "sec-fetch-site": "same-origin",
    });
    expect(own.body.code).toBe(200);
    expect(await jobCount()).toBe(before + 1);
  });

  it("never treats a request carrying X-Kairos-Run as a loopback caller", async () => {
    const r = await compat("/jobs/add", JSON.stringify(newJob()), {
      "content-type": "application/json",
      "x-kairos-run": "1",
    });
    expect(r.body.code).toBe(401);
  });

  it("an operator's http job posting to Kairos on 127.0.0.1 gets no loopback role", async () => {
    const before = await jobCount();
    const job = await makeJob({
      mode: "http",
      command: `【url】${serverUrl}/jobs/add\n【mode】POST\n【headers】Content-Type:application/json|||X-Kairos-Run:forged\n【data】${JSON.stringify({ ...newJob(), mode: "http", command: "http://a.test" })}`,
    });
    const run = await runJobNow(getDb(), { id: null, name: "operator", role: "operator" }, job.id);
    await waitForFinishedRuns(job.id, 1);
    const out = (await getDb().select().from(runLogs).where(eq(runLogs.runId, run.id)))
      .map((c) => c.data)
      .join("");
    expect(out).toContain('"code":401');
    expect(await jobCount()).toBe(before + 1); // the http job itself, nothing more
  });

  it("the Webhook built-in (func mode) posting to Kairos on 127.0.0.1 gets no loopback role either", async () => {
    const before = await jobCount();
    const data = JSON.stringify({ ...newJob(), mode: "http", command: "http://a.test" });
    const job = await makeJob({
      mode: "func",
      command: `【name】Webhook\n【arg】${serverUrl}/jobs/add,${data}`,
    });
    const run = await runJobNow(getDb(), { id: null, name: "operator", role: "operator" }, job.id);
    await waitForFinishedRuns(job.id, 1);
    const out = (await getDb().select().from(runLogs).where(eq(runLogs.runId, run.id)))
      .map((c) => c.data)
      .join("");
    expect(out).toContain('"code":401');
    expect(await jobCount()).toBe(before + 1);
  });

  it("/api/v1: 415 for a non-JSON body, 403 for cross-site loopback, 401 for job requests", async () => {
    const call = (headers: Record<string, string>, body = JSON.stringify({ name: "v", mode: "http" })) =>
      handleV1(
        new Request(`${BASE}/api/v1/jobs`, {
          method: "POST",
          headers: { [CLIENT_IP_HEADER]: "127.0.0.1", host: "localhost:3000", ...headers },
          body,
        }),
        "/jobs",
      );
    const before = await jobCount();
    expect((await call({ "content-type": "text/plain" })).status).toBe(415);
    expect((await call({ "content-type": "application/json", origin: "http://evil.example" })).status).toBe(
      403,
    );
    expect((await call({ "content-type": "application/json", "x-kairos-run": "9" })).status).toBe(401);
    expect(await jobCount()).toBe(before);
  });
});

describe("tRPC over HTTP", () => {
  it("refuses a mutation from another site's page, and allows the app's own", async () => {
    const admin = await makeUser("admin");
    const mutate = (headers: Record<string, string>) =>
      handleTrpc(
        new Request(`${BASE}/api/trpc/jobs.create`, {
          method: "POST",
          headers: { "content-type": "application/json", host: "localhost:3000", ...headers },
          body: JSON.stringify(superjson.serialize({})),
        }),
        { user: async () => admin },
      );
    const cross = await mutate({ origin: "http://evil.example" });
    expect(cross.status).toBe(403);
    expect(((await cross.json()) as { error: { json: { message: string } } }).error.json.message).toContain(
      "cross-site",
    );
    expect((await mutate({ "sec-fetch-site": "cross-site" })).status).toBe(403);
    // Same origin reaches the procedure (which then validates its input).
    expect((await mutate({ origin: BASE, "sec-fetch-site": "same-origin" })).status).toBe(400);
  });

  it("answers 413 naming the limit for a body over 1 MiB", async () => {
    const admin = await makeUser("admin");
    const body = JSON.stringify(superjson.serialize({ name: "x".repeat(1_100_000) }));
    const res = await handleTrpc(
      new Request(`${BASE}/api/trpc/jobs.create`, {
        method: "POST",
        headers: { "content-type": "application/json", "content-length": String(body.length) },
        body,
      }),
      { user: async () => admin },
    );
    expect(res.status).toBe(413);
    expect(JSON.stringify(await res.json())).toContain("1048576 bytes");
  });

  it(`caps a batch at ${TRPC_MAX_BATCH} procedures with a clear 400`, async () => {
    const admin = await makeUser("admin");
    const batch = (n: number) => {
      const paths = Array.from({ length: n }, () => "account.setupNeeded").join(",");
      const input = encodeURIComponent(JSON.stringify({}));
      return handleTrpc(new Request(`${BASE}/api/trpc/${paths}?batch=1&input=${input}`), {
        user: async () => admin,
      });
    };
    const big = await batch(800);
    expect(big.status).toBe(400);
    expect(JSON.stringify(await big.json())).toContain(`at most ${TRPC_MAX_BATCH}`);
    expect((await batch(TRPC_MAX_BATCH)).status).not.toBe(400);
  });
});
