/** TimerJobs API, tag "jobs": job CRUD, run/stop/restart, and the scheduler switch. */
import { z } from "zod";
import { zodText } from "../../../i18n/errors";
import {
  createJob,
  deleteJob,
  getJob,
  getJobs,
  isSchedulerPaused,
  listJobs,
  recomputeNextFires,
  restartJob,
  runJobNow,
  setSchedulerPaused,
  stopJob,
  updateJob,
} from "../../../jobs/jobs";
import { JOB_MODES } from "../../../lib/enums";
import { jobStateCounts, localTime, scheduledJobs } from "../../queries";
import {
  compatJob,
  jobInputFromCompat,
  jobInputFromCompatEdit,
  ZCompatJob,
  ZCompatJobAdd,
  ZCompatJobEdit,
} from "../jobs-map";
import { actorOf, type CompatRoute, compatRoute, sizeOf, ZIdInput, ZPage } from "./shared";

const ZJobList = z.object({
  ...ZPage,
  name: z.string().trim().max(200).optional().meta({ description: "part of the name or description" }),
  state: z
    .number()
    .int()
    .min(0, zodText("zeroOneTwo"))
    .max(2, zodText("zeroOneTwo"))
    .optional()
    .meta({ description: "0 waiting · 1 running · 2 stopped" }),
  mode: z.enum(JOB_MODES, { error: `must be one of ${JOB_MODES.join(", ")}` }).optional(),
  tag: z.string().trim().max(40).optional(),
});

const STATES = ["waiting", "running", "stopped"] as const;

export const JOB_ROUTES: CompatRoute[] = [
  compatRoute({
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
      const job = await createJob(ctx.db, actorOf(ctx), jobInputFromCompat(ctx.params));
      return { msg: "任务添加成功", data: compatJob(job, ctx.actor?.role) };
    },
  }),
  compatRoute({
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
      const v = ctx.params;
      const before = await getJob(ctx.db, v.id);
      const job = await updateJob(ctx.db, actorOf(ctx), v.id, jobInputFromCompatEdit(before, v));
      return { msg: "任务更新成功", data: compatJob(job, ctx.actor?.role) };
    },
  }),
  compatRoute({
    path: "/jobs/del",
    methods: ["POST"],
    tag: "jobs",
    summary: "Delete a job (its active runs are cancelled)",
    summaryZh: "删除任务",
    permission: "jobs.write",
    input: ZIdInput,
    numeric: ["id"],
    handler: async (ctx) => {
      await deleteJob(ctx.db, actorOf(ctx), ctx.params.id);
      return { msg: "任务删除成功", data: null };
    },
  }),
  compatRoute({
    path: "/jobs/list",
    methods: ["GET"],
    tag: "jobs",
    summary: "List jobs, newest first (paged)",
    summaryZh: "任务列表（分页）",
    permission: "jobs.read",
    input: ZJobList,
    numeric: ["page", "size", "page_size", "state"],
    output: z.array(ZCompatJob),
    paged: true,
    handler: async (ctx) => {
      const p = ctx.params;
      const size = sizeOf(p);
      const r = await listJobs(ctx.db, {
        page: p.page,
        size,
        q: p.name || undefined,
        mode: p.mode,
        tag: p.tag,
        state: p.state === undefined ? undefined : STATES[p.state],
      });
      return {
        msg: "查询任务列表成功",
        data: r.items.map((j) => compatJob(j, ctx.actor?.role)),
        page: { total: r.total, page: p.page, pageSize: size },
      };
    },
  }),
  compatRoute({
    path: "/jobs/read",
    methods: ["GET"],
    tag: "jobs",
    summary: "One job",
    summaryZh: "任务详情",
    permission: "jobs.read",
    input: ZIdInput,
    numeric: ["id"],
    output: ZCompatJob,
    handler: async (ctx) => ({
      msg: "任务信息",
      data: compatJob(await getJob(ctx.db, ctx.params.id), ctx.actor?.role),
    }),
  }),
  compatRoute({
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
      const run = await runJobNow(ctx.db, actorOf(ctx), ctx.params.id, "api");
      return {
        msg: "任务已手动执行",
        data: { exec_id: run.id, run_id: run.id, status: run.status, skipped: run.status === "skipped" },
      };
    },
  }),
  compatRoute({
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
      const job = await stopJob(ctx.db, actorOf(ctx), ctx.params.id);
      return { msg: "任务停止成功", data: compatJob(job, ctx.actor?.role) };
    },
  }),
  compatRoute({
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
      const job = await restartJob(ctx.db, actorOf(ctx), ctx.params.id);
      return { msg: "任务重启成功", data: compatJob(job, ctx.actor?.role) };
    },
  }),
  compatRoute({
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
  }),
  compatRoute({
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
  }),
  compatRoute({
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
  }),
  compatRoute({
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
  }),
  compatRoute({
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
  }),
  compatRoute({
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
      const p = ctx.params;
      const size = sizeOf(p);
      const { ids, total } = await scheduledJobs(ctx.db, { page: p.page, size });
      const jobs = await getJobs(ctx.db, ids);
      return {
        msg: "获取调度器任务列表成功",
        data: {
          scheduler_running: !(await isSchedulerPaused(ctx.db)),
          total_tasks: total,
          tasks: jobs.map((j) => ({
            ...compatJob(j, ctx.actor?.role),
            next_run: localTime(j.nextFireAt),
            prev_run: localTime(j.lastFireAt),
          })),
        },
        page: { total, page: p.page, pageSize: size },
      };
    },
  }),
];
