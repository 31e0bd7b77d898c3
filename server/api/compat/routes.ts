/**
 * The TimerJobs HTTP API (seed 002), path by path: same methods, parameter names and JSON
 * shapes, answered by the same domain functions as the UI. Every answer is the envelope
 * `{code, msg, data}` (+ `total, pages_total, page, page_size` for lists); code 200 = success.
 */
import { z } from "zod";
import { audit } from "../../audit";
import type { Permission } from "../../auth/permissions";
import type { Db } from "../../db/client";
import { readFunctionCatalog, requestFunctionReload } from "../../functions/catalog";
import { checkHealth } from "../../health";
import { addIpRule, applyEnvIpSeeds, ipControlStatus, removeIpRule } from "../../ipcontrol/rules";
import {
  createJob,
  deleteJob,
  getJob,
  isSchedulerPaused,
  listJobs,
  recomputeNextFires,
  restartJob,
  runJobNow,
  setSchedulerPaused,
  stopJob,
  updateJob,
} from "../../jobs/jobs";
import { appVersion } from "../../lib/app-info";
import { JOB_MODES, RUN_STATUSES, RUN_TRIGGERS } from "../../lib/enums";
import { env } from "../../lib/env";
import { type ApiActor, ApiError } from "../core";
import {
  auditPage,
  databaseInfo,
  jobRunsWithOutput,
  jobStateCounts,
  localTime,
  scheduledJobs,
} from "../queries";
import { isRequestLogOn, setRequestLog } from "../request-log";
import {
  compatJob,
  jobInputFromCompat,
  jobInputFromCompatEdit,
  ZCompatId,
  ZCompatJob,
  ZCompatJobAdd,
  ZCompatJobEdit,
} from "./jobs-map";

export type CompatContext = {
  db: Db;
  /** Null only on public routes (health). */
  actor: ApiActor | null;
  params: Record<string, unknown>;
  ip: string | null;
  method: string;
};

export type CompatResult = {
  msg: string;
  data: unknown;
  page?: { total: number; page: number; pageSize: number };
  /** Non-200 success-shaped answers (health while degraded). */
  code?: number;
};

export type CompatRoute = {
  path: string;
  methods: readonly ("GET" | "POST")[];
  tag: "jobs" | "logs" | "system" | "ip" | "functions";
  summary: string;
  summaryZh: string;
  description?: string;
  descriptionZh?: string;
  permission: Permission | null;
  /** Parameters, from the query string or the body (JSON or form). */
  input?: z.ZodObject | z.ZodType;
  /** Keys whose query-string / form values are numbers or booleans. */
  numeric?: readonly string[];
  booleans?: readonly string[];
  /** The shape of `data` on success, for the docs. */
  output?: z.ZodType;
  paged?: boolean;
  handler: (ctx: CompatContext) => Promise<CompatResult>;
};

const ZPage = {
  page: z.number().int().min(1, "must be 1 or more").default(1).meta({ description: "页码 / page, from 1" }),
  size: z
    .number()
    .int()
    .min(1, "must be 1–200")
    .max(200, "must be 1–200")
    .optional()
    .meta({ description: "每页数量 / page size (default 10)" }),
  page_size: z
    .number()
    .int()
    .min(1, "must be 1–200")
    .max(200, "must be 1–200")
    .optional()
    .meta({ description: "same as size" }),
};
const sizeOf = (p: { size?: number; page_size?: number; limit?: number }, fallback = 10) =>
  p.size ?? p.page_size ?? p.limit ?? fallback;

const ZDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date as YYYY-MM-DD")
  .meta({ description: "日期 / day (YYYY-MM-DD, in the server's display zone)" });

const ZIdInput = z.object({ id: ZCompatId });
const ZIpInput = z.object({
  ip: z
    .string({ error: (i) => (i.input === undefined ? "required" : "must be text") })
    .trim()
    .min(1, "required")
    .meta({ description: "an IPv4/IPv6 address or CIDR range", example: "192.168.1.0/24" }),
  note: z.string().trim().max(200).optional(),
  confirm: z
    .boolean()
    .default(false)
    .meta({ description: "save even if the change would lock out your own address" }),
});

const ZRunLog = z
  .object({
    exec_id: z.number().int(),
    run_id: z.number().int(),
    id: z.number().int().meta({ description: "job id" }),
    name: z.string(),
    level: z.enum(["info", "error"]),
    time: z.string().nullable().meta({ description: "start (or schedule) time, YYYY-MM-DD HH:MM:SS" }),
    msg: z.string(),
    status: z.enum(RUN_STATUSES),
    trigger: z.enum(RUN_TRIGGERS),
    attempt: z.number().int(),
    scheduled_at: z.string(),
    started_at: z.string().nullable(),
    finished_at: z.string().nullable(),
    duration_ms: z.number().int().nullable(),
    exit_code: z.number().int().nullable(),
    http_status: z.number().int().nullable(),
    error: z.string().nullable(),
    output: z.string().meta({ description: "stdout/stderr or response bodies (first 64 KiB)" }),
    output_bytes: z.number().int(),
    output_truncated: z.boolean(),
  })
  .meta({ id: "TimerJobsRunLog" });

const ZSysLog = z
  .object({
    id: z.number().int(),
    level: z.string(),
    time: z.string().nullable(),
    msg: z.string(),
    caller: z.string(),
    ip: z.string().nullable(),
    entity_type: z.string(),
    entity_id: z.string().nullable(),
  })
  .meta({ id: "TimerJobsSystemLog" });

async function jobView(ctx: CompatContext, id: number) {
  return compatJob(await getJob(ctx.db, id));
}

function actorOf(ctx: CompatContext): ApiActor {
  if (!ctx.actor) throw new ApiError(401, "an API token is required");
  return ctx.actor;
}

function parse<S extends z.ZodType>(schema: S, params: Record<string, unknown>): z.output<S> {
  return schema.parse(params);
}

export const COMPAT_ROUTES: CompatRoute[] = [
  // --- Jobs --------------------------------------------------------------------------------
  {
    path: "/jobs/add",
    methods: ["POST"],
    tag: "jobs",
    summary: "Create a job",
    summaryZh: "新增任务",
    description:
      "mode http / command / func with the 【key】value `command` text. allow_mode 2 runs the job once as soon as it is saved.",
    descriptionZh:
      "mode 为 http / command / func，command 为【key】value 文本。allow_mode 为 2 时保存后立即执行一次。",
    permission: "jobs.write",
    input: ZCompatJobAdd,
    numeric: ["state", "allow_mode", "max_run_count", "timeout_seconds", "retries"],
    output: ZCompatJob,
    handler: async (ctx) => {
      const v = parse(ZCompatJobAdd, ctx.params);
      const job = await createJob(ctx.db, actorOf(ctx), jobInputFromCompat(v));
      return { msg: "任务添加成功", data: compatJob(job) };
    },
  },
  {
    path: "/jobs/edit",
    methods: ["POST"],
    tag: "jobs",
    summary: "Edit a job (only the fields given change)",
    summaryZh: "编辑任务",
    permission: "jobs.write",
    input: ZCompatJobEdit,
    numeric: ["id", "state", "allow_mode", "max_run_count", "timeout_seconds", "retries"],
    output: ZCompatJob,
    handler: async (ctx) => {
      const v = parse(ZCompatJobEdit, ctx.params);
      const before = await getJob(ctx.db, v.id);
      const job = await updateJob(ctx.db, actorOf(ctx), v.id, jobInputFromCompatEdit(before, v));
      return { msg: "任务更新成功", data: compatJob(job) };
    },
  },
  {
    path: "/jobs/del",
    methods: ["POST"],
    tag: "jobs",
    summary: "Delete a job (its active runs are cancelled)",
    summaryZh: "删除任务",
    permission: "jobs.write",
    input: ZIdInput,
    numeric: ["id"],
    handler: async (ctx) => {
      const { id } = parse(ZIdInput, ctx.params);
      await deleteJob(ctx.db, actorOf(ctx), id);
      return { msg: "任务删除成功", data: null };
    },
  },
  {
    path: "/jobs/list",
    methods: ["GET"],
    tag: "jobs",
    summary: "List jobs, newest first (paged)",
    summaryZh: "任务列表（分页）",
    permission: "jobs.read",
    input: z.object({
      ...ZPage,
      name: z.string().trim().max(200).optional().meta({ description: "part of the name or description" }),
      state: z
        .number()
        .int()
        .min(0)
        .max(2, "must be 0, 1 or 2")
        .optional()
        .meta({ description: "0 waiting · 1 running · 2 stopped" }),
      mode: z.enum(JOB_MODES).optional(),
      tag: z.string().trim().max(40).optional(),
    }),
    numeric: ["page", "size", "page_size", "state"],
    output: z.array(ZCompatJob),
    paged: true,
    handler: async (ctx) => {
      const p = parse(
        z.object({
          ...ZPage,
          name: z.string().trim().max(200).optional(),
          state: z.number().int().min(0, "must be 0, 1 or 2").max(2, "must be 0, 1 or 2").optional(),
          mode: z.enum(JOB_MODES, { error: `must be one of ${JOB_MODES.join(", ")}` }).optional(),
          tag: z.string().trim().max(40).optional(),
        }),
        ctx.params,
      );
      const size = sizeOf(p);
      const r = await listJobs(ctx.db, {
        page: p.page,
        size,
        q: p.name || undefined,
        mode: p.mode,
        tag: p.tag,
        state: p.state === undefined ? undefined : (["waiting", "running", "stopped"] as const)[p.state],
      });
      return {
        msg: "查询任务列表成功",
        data: r.items.map(compatJob),
        page: { total: r.total, page: p.page, pageSize: size },
      };
    },
  },
  {
    path: "/jobs/read",
    methods: ["GET"],
    tag: "jobs",
    summary: "One job",
    summaryZh: "任务详情",
    permission: "jobs.read",
    input: ZIdInput,
    numeric: ["id"],
    output: ZCompatJob,
    handler: async (ctx) => {
      const { id } = parse(ZIdInput, ctx.params);
      return { msg: "任务信息", data: await jobView(ctx, id) };
    },
  },
  {
    path: "/jobs/run",
    methods: ["POST"],
    tag: "jobs",
    summary: "Run a job once now (whatever its schedule; serial jobs still queue)",
    summaryZh: "手动运行一次",
    permission: "jobs.run",
    input: ZIdInput,
    numeric: ["id"],
    output: z.object({
      exec_id: z.number().int(),
      run_id: z.number().int(),
      status: z.string(),
      skipped: z.boolean(),
    }),
    handler: async (ctx) => {
      const { id } = parse(ZIdInput, ctx.params);
      const run = await runJobNow(ctx.db, actorOf(ctx), id, "api");
      return {
        msg: "任务已手动执行",
        data: { exec_id: run.id, run_id: run.id, status: run.status, skipped: run.status === "skipped" },
      };
    },
  },
  {
    path: "/jobs/stop",
    methods: ["POST"],
    tag: "jobs",
    summary: "Stop scheduling a job (state 2) and cancel its active runs",
    summaryZh: "停止任务（停止调度并取消正在执行的运行）",
    permission: "jobs.run",
    input: ZIdInput,
    numeric: ["id"],
    output: ZCompatJob,
    handler: async (ctx) => {
      const { id } = parse(ZIdInput, ctx.params);
      const job = await stopJob(ctx.db, actorOf(ctx), id);
      return { msg: "任务停止成功", data: compatJob(job) };
    },
  },
  {
    path: "/jobs/restart",
    methods: ["POST"],
    tag: "jobs",
    summary: "Schedule a job again (state 0), counting from now",
    summaryZh: "重启任务（从现在起重新调度）",
    permission: "jobs.run",
    input: ZIdInput,
    numeric: ["id"],
    output: ZCompatJob,
    handler: async (ctx) => {
      const { id } = parse(ZIdInput, ctx.params);
      const job = await restartJob(ctx.db, actorOf(ctx), id);
      return { msg: "任务重启成功", data: compatJob(job) };
    },
  },
  {
    path: "/jobs/runAll",
    methods: ["POST"],
    tag: "jobs",
    summary: "Switch the scheduler on for all jobs (each job keeps its own state)",
    summaryZh: "启动调度器（所有任务）",
    permission: "jobs.write",
    output: z.object({ scheduler_running: z.boolean() }),
    handler: async (ctx) => {
      await setSchedulerPaused(ctx.db, actorOf(ctx), false);
      return { msg: "任务调度器启动成功", data: { scheduler_running: true } };
    },
  },
  {
    path: "/jobs/stopAll",
    methods: ["POST"],
    tag: "jobs",
    summary: "Pause the scheduler for all jobs (each job keeps its own state; manual runs still work)",
    summaryZh: "停止调度器（所有任务）",
    permission: "jobs.write",
    output: z.object({ scheduler_running: z.boolean() }),
    handler: async (ctx) => {
      await setSchedulerPaused(ctx.db, actorOf(ctx), true);
      return { msg: "任务调度器停止成功", data: { scheduler_running: false } };
    },
  },
  {
    path: "/jobs/checkJob",
    methods: ["POST"],
    tag: "jobs",
    summary: "Calibrate: recompute every scheduled job's next fire from now",
    summaryZh: "任务校准（从现在起重算下次执行时间）",
    permission: "jobs.write",
    output: z.object({
      checked: z.number().int(),
      changed: z.array(
        z.object({ id: z.number().int(), before: z.string().nullable(), after: z.string().nullable() }),
      ),
    }),
    handler: async (ctx) => {
      const r = await recomputeNextFires(ctx.db, actorOf(ctx));
      return { msg: "任务列表已校准", data: r };
    },
  },
  {
    path: "/jobs/jobStatus",
    methods: ["GET"],
    tag: "jobs",
    summary: "Counts of jobs by state, and whether the scheduler runs",
    summaryZh: "任务调度状态",
    permission: "jobs.read",
    output: z.object({
      total: z.number().int(),
      running: z.number().int(),
      waiting: z.number().int(),
      stopped: z.number().int(),
      scheduler_running: z.boolean(),
    }),
    handler: async (ctx) => {
      const counts = await jobStateCounts(ctx.db);
      return {
        msg: "获取系统状态成功",
        data: { ...counts, scheduler_running: !(await isSchedulerPaused(ctx.db)) },
      };
    },
  },
  {
    path: "/jobs/jobState",
    methods: ["GET"],
    tag: "jobs",
    summary: "Whether the scheduler runs (state) and how many jobs it schedules (num)",
    summaryZh: "任务状态",
    permission: "jobs.read",
    output: z.object({
      state: z.boolean(),
      num: z.number().int(),
      total: z.number().int(),
      running: z.number().int(),
      waiting: z.number().int(),
      stopped: z.number().int(),
    }),
    handler: async (ctx) => {
      const running = !(await isSchedulerPaused(ctx.db));
      const counts = await jobStateCounts(ctx.db);
      const { total: scheduled } = await scheduledJobs(ctx.db, { page: 1, size: 1 });
      return {
        msg: running ? "任务运行中" : "任务停止",
        data: { state: running, num: scheduled, ...counts },
      };
    },
  },
  {
    path: "/jobs/scheduler",
    methods: ["GET"],
    tag: "jobs",
    summary: "Scheduled jobs with their next and previous fire (paged)",
    summaryZh: "调度器任务列表",
    permission: "jobs.read",
    input: z.object(ZPage),
    numeric: ["page", "size", "page_size"],
    paged: true,
    output: z.object({
      scheduler_running: z.boolean(),
      total_tasks: z.number().int(),
      tasks: z.array(ZCompatJob.extend({ next_run: z.string().nullable(), prev_run: z.string().nullable() })),
    }),
    handler: async (ctx) => {
      const p = parse(z.object(ZPage), ctx.params);
      const size = sizeOf(p);
      const { ids, total } = await scheduledJobs(ctx.db, { page: p.page, size });
      const jobs = await Promise.all(ids.map((id) => getJob(ctx.db, id)));
      return {
        msg: "获取调度器任务列表成功",
        data: {
          scheduler_running: !(await isSchedulerPaused(ctx.db)),
          total_tasks: total,
          tasks: jobs.map((j) => ({
            ...compatJob(j),
            next_run: localTime(j.nextFireAt),
            prev_run: localTime(j.lastFireAt),
          })),
        },
        page: { total, page: p.page, pageSize: size },
      };
    },
  },
  // --- Logs --------------------------------------------------------------------------------
  {
    path: "/jobs/logs",
    methods: ["POST", "GET"],
    tag: "logs",
    summary: "A job's runs with their output, newest first (paged)",
    summaryZh: "任务日志（执行记录及输出，分页）",
    permission: "jobs.read",
    input: z.object({
      id: ZCompatId,
      ...ZPage,
      limit: z.number().int().min(1).max(200).optional().meta({ description: "same as size (Go version)" }),
      date: ZDate.optional(),
      order: z.enum(["asc", "desc"]).default("desc"),
    }),
    numeric: ["id", "page", "size", "page_size", "limit"],
    paged: true,
    output: z.array(ZRunLog),
    handler: async (ctx) => {
      const p = parse(
        z.object({
          id: ZCompatId,
          ...ZPage,
          limit: z.number().int().min(1, "must be 1–200").max(200, "must be 1–200").optional(),
          date: ZDate.optional(),
          order: z.enum(["asc", "desc"], { error: "must be asc or desc" }).default("desc"),
        }),
        ctx.params,
      );
      await getJob(ctx.db, p.id);
      const size = sizeOf(p);
      const r = await jobRunsWithOutput(ctx.db, {
        jobId: p.id,
        page: p.page,
        size,
        date: p.date,
        order: p.order,
      });
      const data = r.items.map((run) => ({
        exec_id: run.id,
        run_id: run.id,
        id: run.jobId,
        name: run.jobName,
        level:
          run.status === "succeeded" || run.status === "queued" || run.status === "running"
            ? "info"
            : "error",
        time: localTime(run.startedAt ?? run.scheduledAt),
        msg: `${run.trigger} run ${run.status}${run.error ? `: ${run.error}` : ""}`,
        status: run.status,
        trigger: run.trigger,
        attempt: run.attempt,
        scheduled_at: run.scheduledAt.toISOString(),
        started_at: run.startedAt?.toISOString() ?? null,
        finished_at: run.finishedAt?.toISOString() ?? null,
        duration_ms:
          run.startedAt && run.finishedAt ? run.finishedAt.getTime() - run.startedAt.getTime() : null,
        exit_code: run.exitCode,
        http_status: run.httpStatus,
        error: run.error,
        output: run.output,
        output_bytes: run.outputBytes,
        output_truncated: run.outputTruncated,
      }));
      return { msg: "查询成功", data, page: { total: r.total, page: p.page, pageSize: size } };
    },
  },
  {
    path: "/jobs/zapLogs",
    methods: ["GET"],
    tag: "logs",
    summary: "The system log: Kairos's audit log (every change, by whom, from where), newest first",
    summaryZh: "系统日志（审计日志，分页）",
    permission: "audit.read",
    input: z.object({ ...ZPage, date: ZDate.optional() }),
    numeric: ["page", "size", "page_size"],
    paged: true,
    output: z.array(ZSysLog),
    handler: async (ctx) => {
      const p = parse(z.object({ ...ZPage, date: ZDate.optional() }), ctx.params);
      const size = sizeOf(p);
      const r = await auditPage(ctx.db, { page: p.page, size, date: p.date });
      return {
        msg: "系统日志查询成功",
        data: r.rows.map((e) => ({
          id: Number(e.id),
          level: "info",
          time: localTime(new Date(e.at)),
          msg: e.action,
          caller: e.actor_name,
          ip: e.ip,
          entity_type: e.entity_type,
          entity_id: e.entity_id,
        })),
        page: { total: r.total, page: p.page, pageSize: size },
      };
    },
  },
  {
    path: "/jobs/switchState",
    methods: ["GET", "POST"],
    tag: "logs",
    summary:
      "The log switch: when on, every REST API request is written to the system log. GET reads it (or sets it with enabled=); POST toggles it (or sets enabled=)",
    summaryZh: "日志开关（开启后每个 API 请求写入系统日志）",
    permission: "jobs.read",
    input: z.object({
      enabled: z.boolean().optional().meta({ description: "set the switch instead of reading/toggling it" }),
    }),
    booleans: ["enabled", "state"],
    output: z.object({ zapLogSwitch: z.boolean(), log_enabled: z.boolean() }),
    handler: async (ctx) => {
      const p = parse(
        z.object({
          enabled: z.boolean({ error: "must be true or false" }).optional(),
          state: z.boolean().optional(),
        }),
        ctx.params,
      );
      const wanted = p.enabled ?? p.state;
      const current = await isRequestLogOn(ctx.db);
      let next = current;
      if (wanted !== undefined || ctx.method === "POST") {
        const actor = actorOf(ctx);
        if (actor.role !== "admin") throw new ApiError(403, "only admins may change the log switch");
        next = wanted ?? !current;
        if (next !== current) await setRequestLog(ctx.db, actor, next);
      }
      return {
        msg: next ? "日志开关已开启" : "日志开关已关闭",
        data: { zapLogSwitch: next, log_enabled: next },
      };
    },
  },
  // --- System ------------------------------------------------------------------------------
  {
    path: "/jobs/dbinfo",
    methods: ["GET"],
    tag: "system",
    summary: "Database facts: server version, size, tables, connections, migrations",
    summaryZh: "数据库信息",
    permission: "audit.read",
    handler: async (ctx) => ({ msg: "获取数据库信息成功", data: await databaseInfo(ctx.db) }),
  },
  {
    path: "/jobs/reload-config",
    methods: ["POST"],
    tag: "system",
    summary:
      "Re-read what can change at run time: IP_WHITELIST / IP_BLACKLIST seeds, and every worker's functions folder",
    summaryZh: "配置热重载",
    permission: "users.manage",
    output: z.object({
      reloaded: z.array(z.string()),
      ip_control: z.object({ added: z.array(z.string()), removed: z.array(z.string()) }),
      requires_restart: z.array(z.string()),
    }),
    handler: async (ctx) => {
      const actor = actorOf(ctx);
      const seeded = await applyEnvIpSeeds(ctx.db, env());
      await requestFunctionReload(ctx.db);
      await audit(ctx.db, actor, "config.reload", "config", null, { after: seeded });
      return {
        msg: "配置重载成功",
        data: {
          reloaded: [
            `ip-control: IP_WHITELIST / IP_BLACKLIST re-applied (${seeded.added.length} added, ${seeded.removed.length} removed)`,
            "functions: every worker reloads its functions folder",
            "ip-control lists, API tokens, the scheduler switch and the log switch are read on every request",
          ],
          ip_control: seeded,
          requires_restart: [
            "DATABASE_URL",
            "PORT",
            "HOST",
            "AUTH_SECRET",
            "TRUSTED_PROXIES",
            "TIMERJOBS_API_PREFIX",
            "TIMERJOBS_COMPAT_MODE",
            "API_LOOPBACK_ROLE",
            "WORKER_CONCURRENCY",
            "WORKER_PROCESS_CONCURRENCY",
            "DB_POOL_MAX",
            "LOG_LEVEL",
          ],
        },
      };
    },
  },
  {
    path: "/jobs/health",
    methods: ["GET"],
    tag: "system",
    summary: "Health (no token needed): database, migrations, live workers",
    summaryZh: "健康检查",
    permission: null,
    handler: () => health(),
  },
  // --- IP control --------------------------------------------------------------------------
  {
    path: "/jobs/ip-control/status",
    methods: ["GET"],
    tag: "ip",
    summary: "The allow list (whitelist) and deny list (blacklist)",
    summaryZh: "查询IP控制状态",
    permission: "users.manage",
    output: z.object({
      enabled: z.boolean(),
      whitelist: z.array(z.string()),
      blacklist: z.array(z.string()),
      client_ip: z.string().nullable(),
    }),
    handler: async (ctx) => {
      const s = await ipControlStatus(ctx.db);
      return {
        msg: "获取IP控制状态成功",
        data: { enabled: s.enabled, whitelist: s.whitelist, blacklist: s.blacklist, client_ip: ctx.ip },
      };
    },
  },
  ...(["whitelist", "blacklist"] as const).flatMap((listName): CompatRoute[] => {
    const list = listName === "whitelist" ? "allow" : "deny";
    const zh = listName === "whitelist" ? "白名单" : "黑名单";
    return [
      {
        path: `/jobs/ip-control/${listName}/add`,
        methods: ["POST"],
        tag: "ip",
        summary: `Add an address or CIDR range to the ${listName} (takes effect on the next request)`,
        summaryZh: `增加${zh}`,
        description: "Refused (code 412) if it would lock out your own address, unless confirm=true.",
        descriptionZh: "如果会把你自己的地址锁在外面，会被拒绝（code 412），除非 confirm=true。",
        permission: "users.manage",
        input: ZIpInput,
        booleans: ["confirm"],
        handler: async (ctx) => {
          const p = parse(ZIpInput, ctx.params);
          const rule = await addIpRule(
            ctx.db,
            actorOf(ctx),
            { list, value: p.ip, note: p.note, confirm: p.confirm },
            { callerIp: ctx.ip },
          );
          return { msg: `IP已添加到${zh}`, data: { ip: rule.value, cidr: rule.cidr } };
        },
      },
      {
        path: `/jobs/ip-control/${listName}/remove`,
        methods: ["POST"],
        tag: "ip",
        summary: `Remove an address or range from the ${listName}`,
        summaryZh: `移除${zh}`,
        permission: "users.manage",
        input: ZIpInput.omit({ note: true }),
        booleans: ["confirm"],
        handler: async (ctx) => {
          const p = parse(ZIpInput.omit({ note: true }), ctx.params);
          const rule = await removeIpRule(
            ctx.db,
            actorOf(ctx),
            { list, value: p.ip, confirm: p.confirm },
            { callerIp: ctx.ip },
          );
          return { msg: `IP已从${zh}中移除`, data: { ip: rule.value, cidr: rule.cidr } };
        },
      },
    ];
  }),
  // --- Functions ---------------------------------------------------------------------------
  {
    path: "/jobs/functions",
    methods: ["GET"],
    tag: "functions",
    summary: "Functions func-mode jobs can call (built-in and user functions, as the workers loaded them)",
    summaryZh: "可用函数列表",
    permission: "jobs.read",
    output: z.array(
      z.object({
        name: z.string(),
        description: z.string(),
        description_zh: z.string().optional(),
        parameters: z.string(),
        kind: z.enum(["builtin", "user"]),
        file: z.string().optional(),
      }),
    ),
    handler: async (ctx) => {
      const c = await readFunctionCatalog(ctx.db);
      return {
        msg: "获取函数列表成功",
        data: c.functions.map((f) => ({
          name: f.name,
          description: f.description,
          ...(f.descriptionZh ? { description_zh: f.descriptionZh } : {}),
          parameters: f.params.join(", "),
          kind: f.kind,
          ...(f.file ? { file: f.file } : {}),
        })),
      };
    },
  },
  {
    path: "/jobs/functions/reload",
    methods: ["POST"],
    tag: "functions",
    summary: "Ask every worker to reload its functions folder now",
    summaryZh: "函数热加载",
    permission: "jobs.write",
    handler: async (ctx) => {
      await requestFunctionReload(ctx.db);
      await audit(ctx.db, actorOf(ctx), "functions.reload", "functions", null);
      const c = await readFunctionCatalog(ctx.db);
      return {
        msg: "已请求所有 worker 重新加载函数目录",
        data: { requested: true, last_loaded_at: c.loadedAt, errors: c.errors },
      };
    },
  },
];

/** /health (outside /jobs) answers the same as /jobs/health. */
export const HEALTH_PATH = "/health";

export async function health(): Promise<CompatResult> {
  const h = await checkHealth();
  const ok = h.status === "ok";
  return {
    code: ok ? 200 : 503,
    msg: ok
      ? "系统运行正常"
      : `系统降级：${!h.db.ok ? "数据库不可用" : !h.migrations?.current ? "数据库未迁移" : "没有存活的 worker"}`,
    data: {
      app_name: "Kairos",
      app_version: appVersion(),
      status: h.status,
      timestamp: Math.floor(Date.now() / 1000),
      uptime: Math.round(process.uptime()),
      db: h.db,
      migrations: h.migrations,
      workers: h.workers,
    },
  };
}

export function findCompatRoute(path: string): CompatRoute | undefined {
  if (path === HEALTH_PATH) return COMPAT_ROUTES.find((r) => r.path === "/jobs/health");
  return COMPAT_ROUTES.find((r) => r.path === path);
}
