/** TimerJobs API, tag "logs": a job's runs, the system (audit) log, and the request-log switch. */
import { z } from "zod";
import { msg } from "../../../i18n/errors";
import { getJob } from "../../../jobs/jobs";
import { RUN_STATUSES, RUN_TRIGGERS } from "../../../lib/enums";
import { zPageSize } from "../../../lib/paging";
import { apiError } from "../../core";
import { auditPage, jobRunsWithOutput, localTime } from "../../queries";
import { isRequestLogOn, setRequestLog } from "../../request-log";
import { ZCompatId } from "../jobs-map";
import { actorOf, type CompatRoute, compatRoute, sizeOf, ZDate, ZPage } from "./shared";

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

const ZJobLogs = z.object({
  id: ZCompatId,
  ...ZPage,
  limit: zPageSize().optional().meta({ description: "same as size (Go version)" }),
  date: ZDate.optional(),
  order: z.enum(["asc", "desc"], { error: "must be asc or desc" }).default("desc"),
});

const ZSwitchState = z.object({
  enabled: z
    .boolean({ error: "must be true or false" })
    .optional()
    .meta({ description: "set the switch instead of reading/toggling it" }),
  state: z.boolean().optional().meta({ description: "same as enabled" }),
});

export const LOG_ROUTES: CompatRoute[] = [
  compatRoute({
    path: "/jobs/logs",
    methods: ["POST", "GET"],
    tag: "logs",
    summary: "A job's runs with their output, newest first (paged)",
    summaryZh: "任务日志（执行记录及输出，分页）",
    permission: "jobs.read",
    input: ZJobLogs,
    numeric: ["id", "page", "size", "page_size", "limit"],
    paged: true,
    output: z.array(ZRunLog),
    handler: async (ctx) => {
      const p = ctx.params;
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
  }),
  compatRoute({
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
      const p = ctx.params;
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
  }),
  compatRoute({
    path: "/jobs/switchState",
    methods: ["GET", "POST"],
    tag: "logs",
    summary:
      "The log switch: when on, every REST API request is written to the system log. GET reads it (or sets it with enabled=); POST toggles it (or sets enabled=)",
    summaryZh: "日志开关（开启后每个 API 请求写入系统日志）",
    permission: "jobs.read",
    input: ZSwitchState,
    booleans: ["enabled", "state"],
    output: z.object({ zapLogSwitch: z.boolean(), log_enabled: z.boolean() }),
    handler: async (ctx) => {
      const wanted = ctx.params.enabled ?? ctx.params.state;
      const current = await isRequestLogOn(ctx.db);
      let next = current;
      if (wanted !== undefined || ctx.method === "POST") {
        const actor = actorOf(ctx);
        if (actor.role !== "admin") throw apiError(403, msg("apiAuth.adminsOnlyLogSwitch"));
        next = wanted ?? !current;
        if (next !== current) await setRequestLog(ctx.db, actor, next);
      }
      return {
        msg: next ? "日志开关已开启" : "日志开关已关闭",
        data: { zapLogSwitch: next, log_enabled: next },
      };
    },
  }),
];
