/**
 * The TimerJobs-compatible API, end to end: the production web server and a real worker
 * (startApp), real Postgres, real HTTP. Every endpoint of seed 002 is driven the way an
 * existing TimerJobs script would call it, and the database is checked behind it.
 */
import { count, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { updateUser } from "../../server/auth/users";
import { getDb } from "../../server/db/client";
import { apiTokens, auditLog, ipRules, jobs, runs } from "../../server/db/schema";
import { revokeToken } from "../../server/tokens/tokens";
import { type RunningApp, startApp } from "../helpers/app";
import { type HitServer, jobRow, runsOf, startHitServer, waitForFinishedRuns } from "../helpers/jobs";
import { waitFor } from "../helpers/wait";
import { client, type Envelope, tokenFor } from "./helpers";

type Job = {
  id: number;
  name: string;
  desc: string;
  cron_expr: string;
  mode: string;
  command: string;
  state: number;
  allow_mode: number;
  max_run_count: number;
  run_count: number;
  next_run_time: string | null;
  tags: string[];
};
type RunLog = {
  exec_id: number;
  id: number;
  status: string;
  output: string;
  http_status: number | null;
  exit_code: number | null;
  time: string;
  output_truncated: boolean;
};

let app: RunningApp;
let peer: HitServer;
let admin: Awaited<ReturnType<typeof tokenFor>>;
let operator: Awaited<ReturnType<typeof tokenFor>>;
let viewer: Awaited<ReturnType<typeof tokenFor>>;
let api: ReturnType<typeof client>;

const db = () => getDb();
const jobCount = async () => (await db().select({ n: count() }).from(jobs))[0]?.n ?? 0;
let seq = 0;
const uniqueName = (base: string) => `${base} ${++seq}-${Math.random().toString(36).slice(2, 6)}`;

async function addJob(body: Record<string, unknown>): Promise<Job> {
  const r = await api.post<Job>("/jobs/add", {
    cron_expr: "0 0 0 1 1 *",
    mode: "http",
    command: `${peer.url}/never`,
    ...body,
  });
  expect(r.body.msg).toBe("任务添加成功");
  expect(r.body.code).toBe(200);
  return r.body.data;
}

beforeAll(async () => {
  peer = await startHitServer();
  admin = await tokenFor("admin", "personal");
  operator = await tokenFor("operator");
  viewer = await tokenFor("viewer");
  app = await startApp({
    // Everything runs on loopback: X-Forwarded-For from it is believed, so requests can appear
    // to come from other addresses.
    TRUSTED_PROXIES: "127.0.0.1,::1",
    IP_BLACKLIST: "203.0.113.7",
    KAIROS_TIME_ZONE: "Asia/Shanghai",
  });
  api = client(app.url, admin.token);
});
afterAll(async () => {
  await app?.stop();
  await peer?.close();
});

describe("routing: the UI keeps /jobs, /jobs/new, /jobs/<n>; the API gets its names", () => {
  it("serves the jobs pages (a sign-in redirect without a session) and the API as JSON", async () => {
    for (const page of ["/jobs", "/jobs/1", "/jobs/new", "/jobs/1/edit"]) {
      const r = await api.get(page, { token: null });
      expect(r.status, page).toBe(307);
      expect(r.headers.get("location"), page).toContain("/login");
    }
    const list = await api.get("/jobs/list", { token: null });
    expect(list.status).toBe(200);
    expect(list.body).toEqual({ code: 401, msg: expect.stringMatching(/token/), data: null });
  });

  it("answers /health and /jobs/health without a token, in the envelope", async () => {
    for (const path of ["/health", "/jobs/health"]) {
      const r = await api.get<{ app_name: string; status: string; workers: { live: number } }>(path, {
        token: null,
      });
      expect(r.body.code, path).toBe(200);
      expect(r.body.msg).toBe("系统运行正常");
      expect(r.body.data).toMatchObject({ app_name: "Kairos", status: "ok", workers: { live: 1 } });
    }
  });

  it("refuses a wrong method with code 405 (HTTP 200 in compatibility mode)", async () => {
    const r = await api.get("/jobs/add");
    expect(r.status).toBe(200);
    expect(r.body.code).toBe(405);
    expect(r.body.msg).toContain("POST");
  });
});

describe("API tokens", () => {
  it("refuses a missing, malformed or unknown token", async () => {
    expect((await api.get("/jobs/list", { token: null })).body.code).toBe(401);
    const garbage = await api.get("/jobs/list", { token: "kairos_not-a-real-token" });
    expect(garbage.body).toMatchObject({ code: 401, msg: "invalid API token" });
    const basic = await api.get("/jobs/list", {
      token: null,
      headers: { authorization: "Basic Zm9vOmJhcg==" },
    });
    expect(basic.body.code).toBe(401);
    expect(basic.body.msg).toContain("Bearer");
  });

  it("records when and from where a token was last used", async () => {
    await api.get("/jobs/list");
    const [row] = await db().select().from(apiTokens).where(eq(apiTokens.id, admin.id));
    expect(row?.lastUsedAt).toBeInstanceOf(Date);
    expect(row?.lastUsedIp).toBe("127.0.0.1");
    expect(row?.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(row?.tokenHash).not.toContain(admin.token);
  });

  it("refuses a revoked token on the very next request", async () => {
    const t = await tokenFor("operator");
    expect((await api.get("/jobs/list", { token: t.token })).body.code).toBe(200);
    await revokeToken(db(), { id: null, name: "test" }, t.id);
    expect((await api.get("/jobs/list", { token: t.token })).body).toMatchObject({
      code: 401,
      msg: "this API token has been revoked",
    });
  });

  it("refuses an expired token", async () => {
    const t = await tokenFor("operator", "service", new Date(Date.now() + 3600_000));
    expect((await api.get("/jobs/list", { token: t.token })).body.code).toBe(200);
    await db()
      .update(apiTokens)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(apiTokens.id, t.id));
    expect((await api.get("/jobs/list", { token: t.token })).body).toMatchObject({
      code: 401,
      msg: "this API token has expired",
    });
  });

  it("stops a personal token when its user is disabled", async () => {
    const t = await tokenFor("operator", "personal");
    expect((await api.get("/jobs/list", { token: t.token })).body.code).toBe(200);
    await updateUser(db(), { id: null, name: "test" }, { id: t.user.id, email: undefined, isActive: false });
    expect((await api.get("/jobs/list", { token: t.token })).body.code).toBe(401);
  });

  it("scopes a token to its role: viewers read, operators cannot make command jobs", async () => {
    const before = await jobCount();
    const v = await api.post(
      "/jobs/add",
      { name: uniqueName("v"), cron_expr: "* * * * *", mode: "http", command: "http://x.test" },
      { token: viewer.token },
    );
    expect(v.body.code).toBe(403);
    expect(v.body.msg).toContain("viewer");
    expect((await api.get("/jobs/list", { token: viewer.token })).body.code).toBe(200);
    const op = await api.post(
      "/jobs/add",
      { name: uniqueName("op"), cron_expr: "* * * * *", mode: "command", command: "【command】id" },
      { token: operator.token },
    );
    expect(op.body).toMatchObject({ code: 403, msg: expect.stringContaining("mode") });
    expect(await jobCount()).toBe(before);
  });
});

describe("jobs: add, read, edit, del, list", () => {
  it("adds a job with the seed's fields and returns them, command text included", async () => {
    const name = uniqueName("数据同步");
    const command = `【url】${peer.url}/sync\n【mode】POST\n【headers】Content-Type:application/json\n【data】{"action":"sync"}`;
    const job = await addJob({
      name,
      desc: "同步用户数据",
      cron_expr: "0 0 2 * * *",
      mode: "http",
      command,
      state: 0,
      allow_mode: 1,
      max_run_count: 5,
      tags: "sync,nightly",
    });
    expect(job).toMatchObject({
      name,
      desc: "同步用户数据",
      cron_expr: "0 0 2 * * *",
      mode: "http",
      command,
      state: 0,
      allow_mode: 1,
      max_run_count: 5,
      run_count: 0,
      tags: ["sync", "nightly"],
    });
    expect(job.next_run_time).toMatch(/T18:00:00.000Z$/); // 02:00 in Asia/Shanghai
    const row = await jobRow(job.id);
    expect(row).toMatchObject({
      name,
      description: "同步用户数据",
      cron: "0 0 2 * * *",
      policy: "serial",
      maxRunCount: 5,
      timezone: "Asia/Shanghai",
      params: { url: `${peer.url}/sync`, method: "POST", headers: [["Content-Type", "application/json"]] },
    });
    const read = await api.get<Job>("/jobs/read", { query: { id: job.id } });
    expect(read.body).toMatchObject({ code: 200, data: { id: job.id, command } });
  });

  it("accepts the short forms: a bare URL, mode 'function', allow_mode 2 runs once on save", async () => {
    const job = await addJob({
      name: uniqueName("bare"),
      command: `${peer.url}/bare`,
      allow_mode: 2,
      cron_expr: "0 0 0 1 1 *",
    });
    expect(job.allow_mode).toBe(2);
    const [run] = await waitForFinishedRuns(job.id, 1);
    expect(run).toMatchObject({ trigger: "immediate", status: "succeeded" });
    const fn = await addJob({ name: uniqueName("fn"), mode: "function", command: "Echo hi" });
    expect(fn.mode).toBe("func");
    expect(fn.command).toBe("【name】Echo\n【arg】hi");
  });

  it("edits only the fields given (id in the query or the body) and keeps the rest", async () => {
    const job = await addJob({ name: uniqueName("edit"), desc: "before", max_run_count: 7, tags: ["a"] });
    const byQuery = await api.post<Job>("/jobs/edit", { desc: "after" }, { query: { id: job.id } });
    expect(byQuery.body).toMatchObject({
      code: 200,
      msg: "任务更新成功",
      data: { desc: "after", max_run_count: 7 },
    });
    const byBody = await api.post<Job>("/jobs/edit", { id: job.id, cron_expr: "*/30 * * * * *", state: 2 });
    expect(byBody.body.data).toMatchObject({ cron_expr: "*/30 * * * * *", state: 2, desc: "after" });
    expect(await jobRow(job.id)).toMatchObject({
      name: job.name,
      description: "after",
      cron: "*/30 * * * * *",
      state: "stopped",
      maxRunCount: 7,
      tags: ["a"],
      nextFireAt: null,
    });
  });

  it("refuses bad input with the field's name, and changes nothing", async () => {
    const job = await addJob({ name: uniqueName("keep"), cron_expr: "0 0 3 * * *" });
    const before = await jobCount();
    const cases: [Record<string, unknown>, string][] = [
      [
        { name: uniqueName("x"), cron_expr: "0 99 * * *", mode: "http", command: "http://a.test" },
        "cron_expr",
      ],
      [{ name: uniqueName("x"), cron_expr: "* * * * *", mode: "ftp", command: "x" }, "mode"],
      [{ cron_expr: "* * * * *", mode: "http", command: "http://a.test" }, "name"],
      [{ name: uniqueName("x"), mode: "http", command: "http://a.test" }, "cron_expr"],
      [{ name: uniqueName("x"), cron_expr: "* * * * *", mode: "http" }, "command"],
      [{ name: uniqueName("x"), cron_expr: "* * * * *", mode: "http", command: "【url】notaurl" }, "command"],
      [{ name: uniqueName("x"), cron_expr: "* * * * *", mode: "http", command: "【oops】x" }, "command"],
      [
        {
          name: uniqueName("x"),
          cron_expr: "* * * * *",
          mode: "http",
          command: "http://a.test",
          allow_mode: 7,
        },
        "allow_mode",
      ],
      [{ name: job.name, cron_expr: "* * * * *", mode: "http", command: "http://a.test" }, "name"],
    ];
    for (const [body, field] of cases) {
      const r = await api.post("/jobs/add", body);
      expect(r.status, JSON.stringify(body)).toBe(200);
      expect(r.body.code, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(r.body.msg, JSON.stringify(body)).toMatch(new RegExp(`^${field}: |; ${field}: `));
      expect((r.body.data as { errors: Record<string, string[]> }).errors[field], field).toBeTruthy();
    }
    // Every missing field named in one answer.
    const empty = await api.post("/jobs/add", {});
    expect(Object.keys((empty.body.data as { errors: object }).errors).sort()).toEqual([
      "command",
      "cron_expr",
      "mode",
      "name",
    ]);
    const badEdit = await api.post("/jobs/edit", { id: job.id, cron_expr: "61 * * * * *", name: "renamed" });
    expect(badEdit.body).toMatchObject({ code: 400, msg: expect.stringMatching(/^cron_expr: /) });
    expect(await jobCount()).toBe(before);
    expect(await jobRow(job.id)).toMatchObject({ name: job.name, cron: "0 0 3 * * *" });
  });

  it("answers an unknown or missing id with 404 / 400, for every id endpoint", async () => {
    for (const [method, path] of [
      ["GET", "/jobs/read"],
      ["POST", "/jobs/edit"],
      ["POST", "/jobs/del"],
      ["POST", "/jobs/run"],
      ["POST", "/jobs/stop"],
      ["POST", "/jobs/restart"],
      ["POST", "/jobs/logs"],
    ] as const) {
      const call = (q: Record<string, string | number>) =>
        method === "GET" ? api.get(path, { query: q }) : api.post(path, undefined, { query: q });
      expect((await call({ id: 999999 })).body, path).toMatchObject({
        code: 404,
        msg: "job 999999 not found",
      });
      expect((await call({})).body, path).toMatchObject({ code: 400, msg: "id: required" });
      expect((await call({ id: "abc" })).body.msg, path).toMatch(/^id: /);
    }
  });

  it("deletes a job (id as a form field) and cancels nothing else", async () => {
    const job = await addJob({ name: uniqueName("del") });
    const other = await addJob({ name: uniqueName("stay") });
    const r = await api.post("/jobs/del", undefined, { form: { id: String(job.id) } });
    expect(r.body).toEqual({ code: 200, msg: "任务删除成功", data: null });
    expect(await jobRow(job.id)).toBeUndefined();
    expect(await jobRow(other.id)).toBeDefined();
    expect((await api.get("/jobs/read", { query: { id: job.id } })).body.code).toBe(404);
  });

  it("pages the list: page and size (or page_size) in, page, page_size, pages_total, total out", async () => {
    const tag = `pg${Math.random().toString(36).slice(2, 7)}`;
    for (let i = 0; i < 7; i++) await addJob({ name: uniqueName("page"), tags: [tag], state: i < 2 ? 2 : 0 });
    const p2 = await api.get<Job[]>("/jobs/list", { query: { tag, page: 2, size: 3 } });
    expect(p2.body).toMatchObject({ code: 200, total: 7, pages_total: 3, page: 2, page_size: 3 });
    expect(p2.body.data).toHaveLength(3);
    const p3 = await api.get<Job[]>("/jobs/list", { query: { tag, page: 3, page_size: 3 } });
    expect(p3.body).toMatchObject({ page: 3, page_size: 3, total: 7 });
    expect(p3.body.data).toHaveLength(1);
    const ids = [...p2.body.data, ...p3.body.data].map((j) => j.id);
    expect(new Set(ids).size).toBe(4);
    const stopped = await api.get<Job[]>("/jobs/list", { query: { tag, state: 2 } });
    expect(stopped.body.total).toBe(2);
    expect(stopped.body.data.every((j) => j.state === 2)).toBe(true);
    // Any size a TimerJobs client asks for; above 1,000 the answer says 1,000 was used.
    expect((await api.get("/jobs/list", { query: { size: 500 } })).body).toMatchObject({
      code: 200,
      page_size: 500,
    });
    expect((await api.get("/jobs/list", { query: { size: 5000 } })).body).toMatchObject({
      code: 200,
      page_size: 1000,
    });
    expect((await api.get("/jobs/list", { query: { size: 0 } })).body).toMatchObject({
      code: 400,
      msg: expect.stringMatching(/^size: must be 1 or more/),
    });
  });
});

describe("running jobs and their logs", () => {
  it("runs an http job on a seconds cron against a real server; /jobs/logs returns its runs and output", async () => {
    const job = await addJob({
      name: uniqueName("every second"),
      cron_expr: "* * * * * *",
      mode: "http",
      command: `【url】${peer.url}/tick?job=every-second\n【mode】GET`,
      max_run_count: 3,
    });
    await waitForFinishedRuns(job.id, 3);
    expect(peer.hits.filter((h) => h.path === "/tick?job=every-second")).toHaveLength(3);
    const logs = await api.post<RunLog[]>("/jobs/logs", { id: job.id, size: 2 });
    expect(logs.body).toMatchObject({ code: 200, total: 3, pages_total: 2, page: 1, page_size: 2 });
    expect(logs.body.data).toHaveLength(2);
    for (const entry of logs.body.data) {
      expect(entry).toMatchObject({
        id: job.id,
        status: "succeeded",
        http_status: 200,
        output_truncated: false,
      });
      expect(entry.output).toContain("ok /tick");
      expect(entry.time).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    }
    // Newest first by default; asc on request; page 2 has the rest.
    const asc = await api.get<RunLog[]>("/jobs/logs", { query: { id: job.id, order: "asc", limit: 10 } });
    expect(asc.body.data.map((r) => r.exec_id)).toEqual(
      [...asc.body.data.map((r) => r.exec_id)].sort((a, b) => a - b),
    );
    expect(logs.body.data[0]?.exec_id).toBe(asc.body.data[2]?.exec_id);
    // A day filter (in the display zone): today has them, another day has none.
    const today = new Intl.DateTimeFormat("sv-SE", { timeZone: "Asia/Shanghai" }).format(new Date());
    expect((await api.post("/jobs/logs", { id: job.id, date: today })).body.total).toBe(3);
    expect((await api.post("/jobs/logs", { id: job.id, date: "2001-01-01" })).body.total).toBe(0);
    expect((await api.post("/jobs/logs", { id: job.id, date: "01/02/2024" })).body.msg).toMatch(/^date: /);
    // max_run_count reached: the job is stopped.
    expect((await api.get<Job>("/jobs/read", { query: { id: job.id } })).body.data).toMatchObject({
      state: 2,
      run_count: 3,
    });
  });

  it("runs a command job and a func job; their output comes back through /jobs/logs", async () => {
    const cmd = await addJob({
      name: uniqueName("cmd"),
      mode: "command",
      command: "【command】echo hello-from-kairos\n【timeout】20",
    });
    const fn = await addJob({
      name: uniqueName("fn"),
      mode: "func",
      command: "【name】Echo\n【arg】你好,kairos",
    });
    expect((await api.post("/jobs/run", undefined, { query: { id: cmd.id } })).body.code).toBe(200);
    const run = await api.post<{ exec_id: number; skipped: boolean }>("/jobs/run", { id: fn.id });
    expect(run.body).toMatchObject({ code: 200, msg: "任务已手动执行", data: { skipped: false } });
    await waitForFinishedRuns(cmd.id, 1);
    await waitForFinishedRuns(fn.id, 1);
    const [cmdLog] = (await api.post<RunLog[]>("/jobs/logs", { id: cmd.id })).body.data;
    expect(cmdLog).toMatchObject({ status: "succeeded", exit_code: 0 });
    expect(cmdLog?.output).toContain("hello-from-kairos");
    const [fnLog] = (await api.post<RunLog[]>("/jobs/logs", { id: fn.id })).body.data;
    expect(fnLog?.exec_id).toBe(run.body.data.exec_id);
    expect(fnLog).toMatchObject({ status: "succeeded" });
    expect(fnLog?.output).toContain("你好,kairos");
    // The run records who asked: the API.
    expect((await runsOf(fn.id))[0]?.trigger).toBe("api");
  });
});

describe("actions: run, stop, restart, runAll, stopAll, checkJob, status", () => {
  it("stop ends the schedule and cancels the active run; restart schedules again from now", async () => {
    const job = await addJob({
      name: uniqueName("long"),
      mode: "command",
      cron_expr: "0 0 0 1 1 *",
      command: "【command】sleep 30\n【timeout】60",
    });
    await api.post("/jobs/run", { id: job.id });
    await waitFor("the run to start", async () => (await runsOf(job.id))[0]?.status === "running", 20_000);
    expect((await api.get<Job>("/jobs/read", { query: { id: job.id } })).body.data.state).toBe(1);
    const stop = await api.post<Job>("/jobs/stop", undefined, { query: { id: job.id } });
    expect(stop.body).toMatchObject({ code: 200, msg: "任务停止成功", data: { state: expect.any(Number) } });
    expect(await jobRow(job.id)).toMatchObject({ state: "stopped", nextFireAt: null });
    await waitFor(
      "the run to be cancelled",
      async () => (await runsOf(job.id))[0]?.status === "cancelled",
      20_000,
    );
    expect((await api.get<Job>("/jobs/read", { query: { id: job.id } })).body.data.state).toBe(2);

    const restart = await api.post<Job>("/jobs/restart", { id: job.id });
    expect(restart.body).toMatchObject({ code: 200, msg: "任务重启成功", data: { state: 0 } });
    const row = await jobRow(job.id);
    expect(row?.state).toBe("waiting");
    expect(row?.nextFireAt?.getTime()).toBeGreaterThan(Date.now());
  });

  it("stopAll pauses the scheduler and keeps every job's state; runAll resumes it", async () => {
    const job = await addJob({ name: uniqueName("kept"), cron_expr: "0 0 4 * * *" });
    const stopAll = await api.post<{ scheduler_running: boolean }>("/jobs/stopAll");
    expect(stopAll.body).toMatchObject({ code: 200, data: { scheduler_running: false } });
    const [paused] = await db().execute<{ value: boolean }>(
      sql`select value from settings where key = 'scheduler_paused'`,
    );
    expect(paused?.value).toBe(true);
    expect((await jobRow(job.id))?.state).toBe("waiting");
    const state = await api.get<{ state: boolean; num: number }>("/jobs/jobState");
    expect(state.body).toMatchObject({ code: 200, msg: "任务停止", data: { state: false } });
    expect(
      (await api.get<{ scheduler_running: boolean }>("/jobs/jobStatus")).body.data.scheduler_running,
    ).toBe(false);
    // Manual runs still work while paused.
    expect((await api.post("/jobs/run", { id: job.id })).body.code).toBe(200);

    const runAll = await api.post<{ scheduler_running: boolean }>("/jobs/runAll");
    expect(runAll.body.data.scheduler_running).toBe(true);
    expect((await api.get<{ state: boolean }>("/jobs/jobState")).body).toMatchObject({
      msg: "任务运行中",
      data: { state: true },
    });
    expect((await jobRow(job.id))?.state).toBe("waiting");
  });

  it("jobStatus and jobState count what the database holds", async () => {
    const [c] = await db().execute<{ total: number; stopped: number; waiting: number }>(sql`
      select count(*)::int as total, count(*) filter (where state = 'stopped')::int as stopped,
             count(*) filter (where state = 'waiting')::int as waiting from jobs`);
    const s = await api.get<{ total: number; running: number; waiting: number; stopped: number }>(
      "/jobs/jobStatus",
    );
    expect(s.body.data.total).toBe(c?.total);
    expect(s.body.data.running + s.body.data.waiting + s.body.data.stopped).toBe(c?.total);
    const state = await api.get<{ num: number }>("/jobs/jobState");
    expect(state.body.data.num).toBe(c?.waiting);
  });

  it("scheduler lists the scheduled jobs with their next fire, paged", async () => {
    const job = await addJob({ name: uniqueName("sched"), cron_expr: "0 30 9 * * *" });
    const all = await api.get<{
      scheduler_running: boolean;
      total_tasks: number;
      tasks: (Job & { next_run: string })[];
    }>("/jobs/scheduler", { query: { size: 200 } });
    expect(all.body).toMatchObject({ code: 200, page: 1, page_size: 200 });
    expect(all.body.data.scheduler_running).toBe(true);
    expect(all.body.total).toBe(all.body.data.total_tasks);
    const mine = all.body.data.tasks.find((t) => t.id === job.id);
    expect(mine?.next_run).toMatch(/ 09:30:00$/);
    expect(all.body.data.tasks.every((t) => t.state !== 2)).toBe(true);
    const one = await api.get<{ tasks: unknown[] }>("/jobs/scheduler", { query: { page: 1, size: 1 } });
    expect(one.body.data.tasks).toHaveLength(1);
    expect(one.body.pages_total).toBe(all.body.total);
  });

  it("checkJob recomputes next fires from now", async () => {
    const job = await addJob({ name: uniqueName("calibrate"), cron_expr: "0 15 10 * * *" });
    await db().update(jobs).set({ nextFireAt: null }).where(eq(jobs.id, job.id));
    const r = await api.post<{ checked: number; changed: { id: number; after: string }[] }>("/jobs/checkJob");
    expect(r.body).toMatchObject({ code: 200, msg: "任务列表已校准" });
    const [waiting] = await db().execute<{ n: number }>(
      sql`select count(*)::int as n from jobs where state = 'waiting'`,
    );
    expect(r.body.data.checked).toBe(waiting?.n);
    expect(r.body.data.changed.find((c) => c.id === job.id)?.after).toMatch(/T02:15:00.000Z$/);
    expect((await jobRow(job.id))?.nextFireAt?.toISOString()).toMatch(/T02:15:00.000Z$/);
  });
});

describe("logs, system and functions", () => {
  it("switchState toggles the request log; zapLogs shows the system (audit) log", async () => {
    const off = await api.get<{ zapLogSwitch: boolean }>("/jobs/switchState");
    expect(off.body).toMatchObject({ code: 200, data: { zapLogSwitch: false, log_enabled: false } });
    expect((await api.post("/jobs/switchState", undefined, { token: viewer.token })).body.code).toBe(403);
    const on = await api.post<{ zapLogSwitch: boolean }>("/jobs/switchState");
    expect(on.body.data.zapLogSwitch).toBe(true);
    await api.get("/jobs/list", { query: { name: "request-log-probe" } });
    const logs = await api.get<{ msg: string; entity_id: string; caller: string; time: string }[]>(
      "/jobs/zapLogs",
      {
        query: { size: 50 },
      },
    );
    expect(logs.body).toMatchObject({ code: 200, page: 1, page_size: 50 });
    expect(logs.body.total).toBeGreaterThan(10);
    const probe = logs.body.data.find((e) => e.msg === "api.request" && e.entity_id === "GET /jobs/list");
    expect(probe?.caller).toContain("token");
    expect(logs.body.data.some((e) => e.msg === "job.create")).toBe(true);
    expect(logs.body.data[0]?.time).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    const today = new Intl.DateTimeFormat("sv-SE", { timeZone: "Asia/Shanghai" }).format(new Date());
    // Everything in this (fresh) database happened today; the request log adds entries as we go.
    expect((await api.get("/jobs/zapLogs", { query: { date: today } })).body.total).toBeGreaterThanOrEqual(
      logs.body.total ?? 0,
    );
    expect((await api.get("/jobs/zapLogs", { query: { date: "2001-01-01" } })).body).toMatchObject({
      code: 200,
      total: 0,
      data: [],
    });
    const set = await api.get<{ zapLogSwitch: boolean }>("/jobs/switchState", {
      query: { enabled: "false" },
    });
    expect(set.body.data.zapLogSwitch).toBe(false);
    const [n] = await db().select({ n: count() }).from(auditLog).where(eq(auditLog.action, "api.request"));
    await api.get("/jobs/list");
    const [m] = await db().select({ n: count() }).from(auditLog).where(eq(auditLog.action, "api.request"));
    expect(m?.n).toBe(n?.n);
    expect((await api.get("/jobs/zapLogs", { token: viewer.token })).body.code).toBe(403);
  });

  it("dbinfo describes the database", async () => {
    const r = await api.get<{
      type: string;
      server_version: string;
      size_bytes: number;
      tables: { name: string; rows: number; rows_exact: boolean }[];
      pool: { max_per_process: number; connections: { application: string; count: number }[] };
      migrations: { current: boolean };
    }>("/jobs/dbinfo");
    expect(r.body.code).toBe(200);
    expect(r.body.data.type).toBe("postgresql");
    expect(r.body.data.server_version).toMatch(/^\d+/);
    expect(r.body.data.size_bytes).toBeGreaterThan(0);
    expect(r.body.data.tables.find((t) => t.name === "jobs")).toMatchObject({
      rows: await jobCount(),
      rows_exact: true,
    });
    expect(r.body.data.pool.max_per_process).toBe(10);
    expect(r.body.data.pool.connections.some((c) => c.application === "web")).toBe(true);
    expect(r.body.data.migrations.current).toBe(true);
    expect((await api.get("/jobs/dbinfo", { token: operator.token })).body.code).toBe(403);
  });

  it("reload-config re-applies the IP seeds and reloads functions, saying what", async () => {
    const r = await api.post<{
      reloaded: string[];
      ip_control: { added: string[] };
      requires_restart: string[];
    }>("/jobs/reload-config");
    expect(r.body).toMatchObject({ code: 200, msg: "配置重载成功" });
    expect(r.body.data.reloaded.join("\n")).toMatch(/IP_WHITELIST/);
    expect(r.body.data.reloaded.join("\n")).toMatch(/functions/);
    expect(r.body.data.requires_restart).toContain("DATABASE_URL");
    expect((await api.post("/jobs/reload-config", undefined, { token: operator.token })).body.code).toBe(403);
  });

  it("lists the functions the workers loaded, and asks them to reload", async () => {
    const fns = await waitFor("the worker's function catalog", async () => {
      const r = await api.get<{ name: string; kind: string; parameters: string }[]>("/jobs/functions");
      return r.body.data.length ? r.body.data : null;
    });
    expect(fns.find((f) => f.name === "Echo")).toMatchObject({ kind: "builtin", parameters: "text" });
    const reload = await api.post<{ requested: boolean }>("/jobs/functions/reload");
    expect(reload.body).toMatchObject({ code: 200, data: { requested: true } });
    expect((await api.post("/jobs/functions/reload", undefined, { token: viewer.token })).body.code).toBe(
      403,
    );
  });
});

describe("IP control", () => {
  const status = async () =>
    (
      await api.get<{ enabled: boolean; whitelist: string[]; blacklist: string[]; client_ip: string }>(
        "/jobs/ip-control/status",
      )
    ).body.data;

  it("starts from IP_BLACKLIST and denies that address everywhere, health included", async () => {
    expect(await status()).toMatchObject({
      enabled: true,
      whitelist: [],
      blacklist: ["203.0.113.7"],
      client_ip: "127.0.0.1",
    });
    const denied = await api.get("/jobs/list", { from: "203.0.113.7" });
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({ code: 403, msg: expect.stringContaining("203.0.113.7") });
    expect((await api.get("/login", { token: null, from: "203.0.113.7" })).status).toBe(403);
    expect((await api.get("/api/health", { token: null, from: "203.0.113.7" })).status).toBe(403);
    expect((await api.get("/api/trpc/jobs.list", { token: null, from: "203.0.113.7" })).status).toBe(403);
    expect((await api.get("/api/v1/jobs", { from: "203.0.113.7" })).status).toBe(403);
    expect((await api.get("/jobs/list", { from: "203.0.113.8" })).status).toBe(200);
  });

  it("adds and removes deny entries, effective on the next request", async () => {
    const add = await api.post("/jobs/ip-control/blacklist/add", { ip: "198.51.100.0/24" });
    expect(add.body).toMatchObject({ code: 200, msg: "IP已添加到黑名单", data: { ip: "198.51.100.0/24" } });
    expect((await api.get("/jobs/list", { from: "198.51.100.9" })).status).toBe(403);
    expect((await api.get("/jobs/list", { from: "::ffff:198.51.100.200" })).status).toBe(403);
    expect((await api.get("/jobs/list", { from: "198.51.101.1" })).status).toBe(200);
    const again = await api.post("/jobs/ip-control/blacklist/add", undefined, {
      query: { ip: "198.51.100.0/24" },
    });
    expect(again.body).toMatchObject({ code: 409, msg: expect.stringMatching(/^ip: /) });
    const rm = await api.post("/jobs/ip-control/blacklist/remove", undefined, {
      query: { ip: "198.51.100.0/24" },
    });
    expect(rm.body.code).toBe(200);
    expect((await api.get("/jobs/list", { from: "198.51.100.9" })).status).toBe(200);
    const missing = await api.post("/jobs/ip-control/blacklist/remove", { ip: "198.51.100.0/24" });
    expect(missing.body.code).toBe(404);
    const bad = await api.post("/jobs/ip-control/whitelist/add", { ip: "300.1.1.1" });
    expect(bad.body).toMatchObject({ code: 400, msg: expect.stringMatching(/^ip: /) });
  });

  it("refuses an allow list that would lock out the caller, unless confirmed; health stays reachable", async () => {
    const refused = await api.post("/jobs/ip-control/whitelist/add", { ip: "192.0.2.0/24" });
    expect(refused.body).toMatchObject({ code: 412, msg: expect.stringContaining("127.0.0.1") });
    expect(await db().select().from(ipRules).where(eq(ipRules.list, "allow"))).toHaveLength(0);

    // From inside the range it is not a lock-out.
    const ok = await api.post(
      "/jobs/ip-control/whitelist/add",
      { ip: "192.0.2.0/24" },
      { from: "192.0.2.5" },
    );
    expect(ok.body.code).toBe(200);
    expect((await api.get("/jobs/list")).status).toBe(403);
    expect((await api.get("/jobs/list", { from: "192.0.2.77" })).status).toBe(200);
    // Health ignores the allow list (not the deny list).
    expect((await api.get("/health", { token: null })).body.code).toBe(200);
    expect((await api.get("/api/health", { token: null })).status).toBe(200);

    // IPv6.
    const v6 = await api.post(
      "/jobs/ip-control/whitelist/add",
      { ip: "2001:db8::/32" },
      { from: "192.0.2.5" },
    );
    expect(v6.body.code).toBe(200);
    expect((await api.get("/jobs/list", { from: "2001:db8::1" })).status).toBe(200);
    expect((await api.get("/jobs/list", { from: "2001:db9::1" })).status).toBe(403);

    // Taking out the range the caller is in needs confirmation.
    const rmRefused = await api.post(
      "/jobs/ip-control/whitelist/remove",
      { ip: "192.0.2.0/24" },
      { from: "192.0.2.5" },
    );
    expect(rmRefused.body.code).toBe(412);
    const rm = await api.post(
      "/jobs/ip-control/whitelist/remove",
      { ip: "192.0.2.0/24", confirm: true },
      { from: "192.0.2.5" },
    );
    expect(rm.body.code).toBe(200);
    expect((await api.get("/jobs/list", { from: "192.0.2.5" })).status).toBe(403);
    // The last allow entry removed: an empty allow list allows everyone again.
    const last = await api.post("/jobs/ip-control/whitelist/remove", undefined, {
      query: { ip: "2001:db8::/32" },
      from: "2001:db8::1",
    });
    expect(last.body.code).toBe(200);
    expect((await api.get("/jobs/list")).status).toBe(200);
    expect(await status()).toMatchObject({ whitelist: [], blacklist: ["203.0.113.7"] });
  });

  it("is for admins only", async () => {
    expect((await api.get("/jobs/ip-control/status", { token: operator.token })).body.code).toBe(403);
    expect(
      (await api.post("/jobs/ip-control/blacklist/add", { ip: "1.2.3.4" }, { token: operator.token })).body
        .code,
    ).toBe(403);
  });
});

describe("the envelope", () => {
  it("answers API paths it does not know with its own 404 envelope, never the login page", async () => {
    for (const method of ["GET", "POST"] as const) {
      const res = await fetch(`${app.url}/jobs/noSuchEndpoint`, {
        method,
        redirect: "manual",
        headers: { authorization: `Bearer ${admin.token}` },
      });
      expect(res.status, method).toBe(200);
      expect(res.headers.get("content-type"), method).toContain("application/json");
      expect(await res.json()).toMatchObject({
        code: 404,
        msg: `no such endpoint: ${method} /jobs/noSuchEndpoint`,
      });
    }
    // /api/v1 itself and anything under it answer the API's JSON 404.
    for (const path of ["/api/v1", "/api/v1/noSuch/thing"]) {
      const res = await fetch(`${app.url}${path}`, {
        redirect: "manual",
        headers: { authorization: `Bearer ${admin.token}` },
      });
      expect(res.status, path).toBe(404);
      expect(await res.json(), path).toMatchObject({ error: { status: 404 } });
    }
    // The UI's pages under /jobs stay pages (the login page without a session).
    expect((await fetch(`${app.url}/jobs/new`, { redirect: "manual" })).status).toBe(307);
  });

  it("is {code, msg, data} everywhere", async () => {
    const r = await api.get<Envelope>("/jobs/jobStatus");
    expect(Object.keys(r.body).sort()).toEqual(["code", "data", "msg"]);
    const l = await api.get("/jobs/list");
    expect(Object.keys(l.body).sort()).toEqual(
      ["code", "data", "msg", "page", "page_size", "page_total", "pages_total", "total"].sort(),
    );
  });

  it("leaves no run without a job", async () => {
    const [orphans] = await db().execute<{ n: number }>(
      sql`select count(*)::int as n from runs r where not exists (select 1 from jobs j where j.id = r.job_id)`,
    );
    expect(orphans?.n).toBe(0);
    expect((await db().select({ n: count() }).from(runs))[0]?.n).toBeGreaterThan(0);
  });
});
