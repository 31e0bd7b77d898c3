/**
 * The native REST API, /api/v1: resources (jobs, runs, tokens, IP rules) with real HTTP
 * statuses. Inputs are the domain's own zod schemas (the same the UI's tRPC procedures use),
 * outputs are checked against ./schemas.ts; /api/openapi.json is generated from this table.
 */
import { z } from "zod";
import { audit } from "../../audit";
import type { Permission } from "../../auth/permissions";
import type { Db } from "../../db/client";
import { retryingTransaction } from "../../db/retry";
import { readFunctionCatalog, requestFunctionReload } from "../../functions/catalog";
import { msg, zodText } from "../../i18n/errors";
import { addIpRule, listIpRules, removeIpRuleById, ZIpRuleInput } from "../../ipcontrol/rules";
import { applyJobPatch, jobInputOf } from "../../jobs/input";
import {
  cloneJob,
  createJob,
  deleteJob,
  getJob,
  isSchedulerPaused,
  type JobView,
  listJobs,
  restartJob,
  runJobNow,
  setSchedulerPaused,
  stopJob,
  updateJob,
  withCreatorZone,
} from "../../jobs/jobs";
import { ZJobInput, ZJobPatch, ZListJobsInput } from "../../jobs/schema";
import { jobForRole } from "../../jobs/secret-fields";
import { ROLES, type Role, TOKEN_KINDS } from "../../lib/enums";
import {
  getScriptVersion,
  listScripts,
  listScriptVersions,
  uploadScript,
  ZListScriptsInput,
  ZUploadScriptInput,
} from "../../reports/scripts";
import { cancelActiveRuns } from "../../runs/cancel";
import { readRunLog } from "../../runs/log";
import { getRun, listRuns, ZListRunsInput } from "../../runs/runs";
import { SITE_V1_ROUTES } from "../../sites/api";
import { createToken, listTokens, parseExpiry, revokeToken, ZListTokensInput } from "../../tokens/tokens";
import { type ApiActor, apiError, shape } from "../core";
import { pageOf, ZCreatedRun, ZIpRuleOut, ZJobOut, ZRunLogOut, ZRunOut, ZTokenOut } from "./schemas";

/** `{ id: number }` for "/jobs/{id}/runs": the path's parameters, all positive integers. */
type PathParams<P extends string> = P extends `${string}{${infer K}}${infer Rest}`
  ? { [k in K]: number } & PathParams<Rest>
  : unknown;

/**
 * What a handler gets: path, query and body already parsed by the route's own schemas (in
 * handle.ts), so the docs, the error messages and the handler's types cannot drift apart.
 */
export type V1Context<Path = Record<string, number>, Query = unknown, Body = unknown> = {
  db: Db;
  actor: ApiActor;
  path: Path;
  query: Query;
  body: Body;
  ip: string | null;
};

type V1Meta<P extends string> = {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: P;
  tag: "jobs" | "runs" | "scheduler" | "functions" | "tokens" | "ip" | "me" | "reports" | "sites";
  summary: string;
  summaryZh: string;
  description?: string;
  descriptionZh?: string;
  permission: Permission;
  /** Query keys whose string values are numbers or booleans (coerced before parsing). */
  numericQuery?: readonly string[];
  booleanQuery?: readonly string[];
  /** Success status (200 unless said). */
  status?: number;
  response?: z.ZodType;
};

export type V1Route = V1Meta<string> & {
  query?: z.ZodObject;
  /** The JSON body (always an object). */
  body?: z.ZodType;
  /** Fills what the body left out from the caller before it is parsed (a new job's zone). */
  prepareBody?: (raw: unknown, ctx: { db: Db; actor: ApiActor }) => Promise<unknown>;
  /** The same input as multipart/form-data (files arrive as `{ filename, bytes }`); needs `body`. */
  multipart?: z.ZodType;
  handler: (ctx: V1Context) => Promise<unknown>;
};

/** One route whose handler's path, query and body are typed by its path and schemas. */
export function v1Route<
  const P extends string,
  Q extends z.ZodObject = z.ZodObject<Record<string, never>>,
  B extends z.ZodType = z.ZodUndefined,
  M extends z.ZodType = z.ZodNever,
>(
  r: V1Meta<P> & {
    query?: Q;
    body?: B;
    prepareBody?: V1Route["prepareBody"];
    multipart?: M;
    handler: (ctx: V1Context<PathParams<P>, z.output<Q>, z.output<B> | z.output<M>>) => Promise<unknown>;
  },
): V1Route {
  return r as unknown as V1Route;
}

const FINISHED = new Set(["succeeded", "failed", "timed_out", "cancelled", "skipped", "lost"]);

/** A job as `actor` may see it: secret values masked unless an admin asks. */
const job = (v: JobView, actor: { role: Role }) => shape(ZJobOut, jobForRole(v, actor.role));
const FINISHED_RUN_LOG_PAGE = 1000;

/** A multipart upload: the file's bytes, its name unless `name` is given, the interpreter. */
const ZScriptForm = z
  .object({
    file: z
      .custom<{ filename: string; bytes: Buffer }>(
        (v) => !!v && typeof v === "object" && Buffer.isBuffer((v as { bytes?: unknown }).bytes),
        { error: zodText("scriptAsFile") },
      )
      .meta({ type: "string", format: "binary" }),
    name: z.string().optional(),
    // An empty form field is no choice: the interpreter follows the extension.
    interpreter: z.union([ZUploadScriptInput.shape.interpreter.unwrap(), z.literal("")]).optional(),
  })
  .transform((v) => ({
    name: v.name?.trim() ? v.name : v.file.filename,
    content: v.file.bytes,
    interpreter: v.interpreter || undefined,
  }));

export const ZV1TokenCreate = z.object({
  name: z.string().trim().min(1, "required").max(100),
  kind: z.enum(TOKEN_KINDS).default("service"),
  role: z.enum(ROLES, { error: `must be one of ${ROLES.join(", ")}` }),
  userId: z
    .number()
    .int()
    .positive()
    .optional()
    .meta({ description: "owner of a personal token (default: you)" }),
  expires: z
    .string()
    .optional()
    .meta({ description: 'a duration ("30d", "12h", "1y") or a date; omit for never' }),
});

export const V1_ROUTES: V1Route[] = [
  v1Route({
    method: "GET",
    path: "/me",
    tag: "me",
    summary: "Who this token acts as",
    summaryZh: "当前令牌的身份",
    permission: "jobs.read",
    response: z.object({ id: z.number().int().nullable(), name: z.string(), role: z.enum(ROLES) }),
    handler: async ({ actor }) => ({ id: actor.id, name: actor.name, role: actor.role }),
  }),
  // --- Jobs --------------------------------------------------------------------------------
  v1Route({
    method: "GET",
    path: "/jobs",
    tag: "jobs",
    summary: "List jobs, newest first",
    summaryZh: "任务列表",
    permission: "jobs.read",
    query: ZListJobsInput,
    numericQuery: ["page", "size"],
    response: pageOf(ZJobOut),
    handler: async ({ db, actor, query }) => {
      const r = await listJobs(db, query);
      return { ...r, items: r.items.map((j) => job(j, actor)) };
    },
  }),
  v1Route({
    method: "POST",
    path: "/jobs",
    tag: "jobs",
    summary: "Create a job (params, or the 【key】value command text)",
    summaryZh: "新增任务",
    description:
      "Without `timezone`, the job gets the zone of the token's user (their display zone), else the instance's default (KAIROS_TIME_ZONE, else the server's).",
    descriptionZh:
      "未给出 `timezone` 时，使用令牌所属用户的显示时区，否则使用实例默认时区（KAIROS_TIME_ZONE，否则为服务器时区）。",
    permission: "jobs.write",
    body: ZJobInput,
    prepareBody: (raw, { db, actor }) => withCreatorZone(db, actor, raw),
    status: 201,
    response: ZJobOut,
    handler: async ({ db, actor, body }) => job(await createJob(db, actor, body), actor),
  }),
  v1Route({
    method: "GET",
    path: "/jobs/{id}",
    tag: "jobs",
    summary: "One job",
    summaryZh: "任务详情",
    permission: "jobs.read",
    response: ZJobOut,
    handler: async ({ db, actor, path }) => job(await getJob(db, path.id), actor),
  }),
  v1Route({
    method: "PUT",
    path: "/jobs/{id}",
    tag: "jobs",
    summary: "Replace a job's definition (a changed schedule starts again from now)",
    summaryZh: "修改任务",
    permission: "jobs.write",
    body: ZJobInput,
    response: ZJobOut,
    handler: async ({ db, actor, path, body }) => job(await updateJob(db, actor, path.id, body), actor),
  }),
  v1Route({
    method: "PATCH",
    path: "/jobs/{id}",
    tag: "jobs",
    summary: "Change some fields of a job (the others keep their stored values)",
    summaryZh: "修改任务的部分字段",
    permission: "jobs.write",
    body: ZJobPatch,
    response: ZJobOut,
    handler: async ({ db, actor, path, body }) => {
      const before = await getJob(db, path.id);
      const merged = applyJobPatch(jobInputOf(before), before.commandText, body);
      return job(await updateJob(db, actor, before.id, merged), actor);
    },
  }),
  v1Route({
    method: "DELETE",
    path: "/jobs/{id}",
    tag: "jobs",
    summary: "Delete a job (its active runs are cancelled)",
    summaryZh: "删除任务",
    permission: "jobs.write",
    status: 204,
    handler: async ({ db, actor, path }) => {
      await deleteJob(db, actor, path.id);
      return null;
    },
  }),
  v1Route({
    method: "POST",
    path: "/jobs/{id}/run",
    tag: "jobs",
    summary: "Run once now",
    summaryZh: "立即运行一次",
    permission: "jobs.run",
    status: 202,
    response: ZCreatedRun,
    handler: async ({ db, actor, path }) => shape(ZCreatedRun, await runJobNow(db, actor, path.id, "api")),
  }),
  v1Route({
    method: "POST",
    path: "/jobs/{id}/stop",
    tag: "jobs",
    summary: "Stop scheduling and cancel active runs",
    summaryZh: "停止任务",
    permission: "jobs.run",
    response: ZJobOut,
    handler: async ({ db, actor, path }) => job(await stopJob(db, actor, path.id), actor),
  }),
  v1Route({
    method: "POST",
    path: "/jobs/{id}/restart",
    tag: "jobs",
    summary: "Schedule again from now",
    summaryZh: "重新调度",
    permission: "jobs.run",
    response: ZJobOut,
    handler: async ({ db, actor, path }) => job(await restartJob(db, actor, path.id), actor),
  }),
  v1Route({
    method: "POST",
    path: "/jobs/{id}/clone",
    tag: "jobs",
    summary: "Copy a job (the copy starts stopped)",
    summaryZh: "复制任务",
    permission: "jobs.write",
    status: 201,
    response: ZJobOut,
    handler: async ({ db, actor, path }) => job(await cloneJob(db, actor, path.id), actor),
  }),
  v1Route({
    method: "GET",
    path: "/jobs/{id}/runs",
    tag: "jobs",
    summary: "A job's runs, newest first",
    summaryZh: "任务的执行记录",
    permission: "jobs.read",
    query: ZListRunsInput.omit({ jobId: true }),
    numericQuery: ["page", "size"],
    response: pageOf(ZRunOut),
    handler: async ({ db, path, query }) => {
      await getJob(db, path.id);
      const r = await listRuns(db, { ...query, jobId: path.id });
      return { ...r, items: r.items.map((x) => shape(ZRunOut, x)) };
    },
  }),
  // --- Scheduler ---------------------------------------------------------------------------
  v1Route({
    method: "GET",
    path: "/scheduler",
    tag: "scheduler",
    summary: "Whether the scheduler is paused (for all jobs)",
    summaryZh: "调度器状态",
    permission: "jobs.read",
    response: z.object({ paused: z.boolean() }),
    handler: async ({ db }) => ({ paused: await isSchedulerPaused(db) }),
  }),
  v1Route({
    method: "PUT",
    path: "/scheduler",
    tag: "scheduler",
    summary: "Pause or resume the scheduler (each job keeps its own state)",
    summaryZh: "暂停或恢复调度器",
    permission: "jobs.write",
    body: z.object({ paused: z.boolean({ error: "must be true or false" }) }),
    response: z.object({ paused: z.boolean() }),
    handler: async ({ db, actor, body: { paused } }) => {
      await setSchedulerPaused(db, actor, paused);
      return { paused };
    },
  }),
  // --- Runs --------------------------------------------------------------------------------
  v1Route({
    method: "GET",
    path: "/runs",
    tag: "runs",
    summary: "Runs, newest first (filter by jobId, status, trigger)",
    summaryZh: "执行记录",
    permission: "jobs.read",
    query: ZListRunsInput,
    numericQuery: ["page", "size", "jobId"],
    response: pageOf(ZRunOut),
    handler: async ({ db, query }) => {
      const r = await listRuns(db, query);
      return { ...r, items: r.items.map((x) => shape(ZRunOut, x)) };
    },
  }),
  v1Route({
    method: "GET",
    path: "/runs/{id}",
    tag: "runs",
    summary: "One run",
    summaryZh: "执行详情",
    permission: "jobs.read",
    response: ZRunOut,
    handler: async ({ db, path }) => shape(ZRunOut, await getRun(db, path.id)),
  }),
  v1Route({
    method: "GET",
    path: "/runs/{id}/log",
    tag: "runs",
    summary: "A run's output in chunks; pass afterSeq=nextSeq to follow it",
    summaryZh: "执行输出（可追踪）",
    permission: "jobs.read",
    query: z.object({
      afterSeq: z.number().int().min(-1).default(-1),
      limit: z.number().int().min(1).max(5000).default(FINISHED_RUN_LOG_PAGE),
    }),
    numericQuery: ["afterSeq", "limit"],
    response: ZRunLogOut,
    handler: async ({ db, path, query }) => {
      const { id } = path;
      const q = query;
      // Status first: a run that is finished now has written everything the log read returns.
      const run = await getRun(db, id);
      const chunks = await readRunLog(db, { id, afterSeq: q.afterSeq, limit: q.limit });
      const last = chunks[chunks.length - 1];
      return shape(ZRunLogOut, {
        runId: id,
        status: run.status,
        finished: FINISHED.has(run.status) && chunks.length < q.limit,
        nextSeq: last ? last.seq : q.afterSeq,
        chunks,
      });
    },
  }),
  v1Route({
    method: "POST",
    path: "/runs/{id}/cancel",
    tag: "runs",
    summary: "Cancel a queued or running run",
    summaryZh: "取消执行",
    permission: "jobs.run",
    response: z.object({ cancelled: z.array(z.number().int()), signalled: z.array(z.number().int()) }),
    handler: async ({ db, actor, path }) => {
      const { id } = path;
      await getRun(db, id);
      return retryingTransaction(db, "stop a run", async (tx) => {
        const r = await cancelActiveRuns(tx, { runIds: [id], reason: `stopped by ${actor.name}` });
        await audit(tx, actor, "run.stop", "run", id, { after: r });
        return r;
      });
    },
  }),
  // --- Functions ---------------------------------------------------------------------------
  v1Route({
    method: "GET",
    path: "/functions",
    tag: "functions",
    summary: "Functions func-mode jobs can call",
    summaryZh: "可用函数",
    permission: "jobs.read",
    handler: async ({ db }) => readFunctionCatalog(db),
  }),
  v1Route({
    method: "POST",
    path: "/functions/reload",
    tag: "functions",
    summary: "Ask every worker to reload its functions folder",
    summaryZh: "函数热加载",
    permission: "jobs.write",
    status: 202,
    handler: async ({ db, actor }) => {
      await requestFunctionReload(db);
      await audit(db, actor, "functions.reload", "functions", null);
      return { requested: true };
    },
  }),
  // --- Tokens (admins) ---------------------------------------------------------------------
  v1Route({
    method: "GET",
    path: "/tokens",
    tag: "tokens",
    summary: "API tokens (never the tokens themselves)",
    summaryZh: "API 令牌列表",
    permission: "users.manage",
    query: ZListTokensInput,
    numericQuery: ["page", "size"],
    booleanQuery: ["includeRevoked"],
    response: pageOf(ZTokenOut),
    handler: async ({ db, query }) => {
      const r = await listTokens(db, query);
      return { ...r, items: r.items.map((t) => shape(ZTokenOut, t)) };
    },
  }),
  v1Route({
    method: "POST",
    path: "/tokens",
    tag: "tokens",
    summary: "Create a token: the answer holds it, and is the only time it is shown",
    summaryZh: "创建 API 令牌（仅显示一次）",
    permission: "users.manage",
    body: ZV1TokenCreate,
    status: 201,
    response: z.object({ token: z.string(), info: ZTokenOut }),
    handler: async ({ db, actor, body }) => {
      const v = body;
      const { token, view } = await createToken(db, actor, {
        name: v.name,
        kind: v.kind,
        role: v.role,
        userId: v.userId,
        expiresAt: parseExpiry(v.expires),
      });
      return { token, info: shape(ZTokenOut, view) };
    },
  }),
  v1Route({
    method: "DELETE",
    path: "/tokens/{id}",
    tag: "tokens",
    summary: "Revoke a token (refused from the next request on)",
    summaryZh: "吊销令牌",
    permission: "users.manage",
    response: ZTokenOut,
    handler: async ({ db, actor, path }) => shape(ZTokenOut, await revokeToken(db, actor, path.id)),
  }),
  // --- Scripts (uploading one is code execution: admins) ----------------------------------
  v1Route({
    method: "POST",
    path: "/scripts",
    tag: "reports",
    summary: "Upload a script: a new version of its name (JSON { name, text } or multipart file)",
    summaryZh: "上传脚本（新版本）",
    description:
      "JSON `{ name, text, interpreter? }`, or multipart/form-data with a `file` (and optional `name`, `interpreter`). The interpreter follows the extension (.py, .sh, .js/.mjs) unless given. Binary files and scripts over 256 KiB are refused. The same text as the newest version answers that version (200) instead of a copy.",
    permission: "jobs.host",
    body: ZUploadScriptInput,
    multipart: ZScriptForm,
    status: 201,
    handler: async ({ db, actor, body }) =>
      uploadScript(
        db,
        actor,
        "content" in body ? body : { name: body.name, content: body.text, interpreter: body.interpreter },
      ),
  }),
  v1Route({
    method: "GET",
    path: "/scripts",
    tag: "reports",
    summary: "Scripts with their newest version",
    summaryZh: "脚本列表",
    permission: "jobs.read",
    query: ZListScriptsInput,
    numericQuery: ["page", "size"],
    handler: async ({ db, query }) => listScripts(db, query),
  }),
  v1Route({
    method: "GET",
    path: "/scripts/{id}",
    tag: "reports",
    summary: "One script version with its text, and the other versions of its name",
    summaryZh: "脚本版本详情",
    permission: "jobs.write",
    handler: async ({ db, path }) => {
      const v = await getScriptVersion(db, path.id);
      return { ...v, versions: await listScriptVersions(db, v.name) };
    },
  }),
  // --- IP rules (admins) -------------------------------------------------------------------
  v1Route({
    method: "GET",
    path: "/ip-rules",
    tag: "ip",
    summary: "The allow and deny lists",
    summaryZh: "IP 规则",
    permission: "users.manage",
    response: z.object({ items: z.array(ZIpRuleOut), clientIp: z.string().nullable() }),
    handler: async ({ db, ip }) => ({
      items: (await listIpRules(db)).map((r) => shape(ZIpRuleOut, r)),
      clientIp: ip,
    }),
  }),
  v1Route({
    method: "POST",
    path: "/ip-rules",
    tag: "ip",
    summary: "Add an address or range to a list (412 if it would lock you out, unless confirm)",
    summaryZh: "添加 IP 规则",
    permission: "users.manage",
    body: ZIpRuleInput,
    status: 201,
    response: ZIpRuleOut,
    handler: async ({ db, actor, body, ip }) =>
      shape(ZIpRuleOut, await addIpRule(db, actor, body, { callerIp: ip, source: "api" })),
  }),
  v1Route({
    method: "DELETE",
    path: "/ip-rules/{id}",
    tag: "ip",
    summary: "Remove a rule (412 if it would lock you out, unless ?confirm=true)",
    summaryZh: "删除 IP 规则",
    permission: "users.manage",
    query: z.object({ confirm: z.boolean().default(false) }),
    booleanQuery: ["confirm"],
    response: ZIpRuleOut,
    handler: async ({ db, actor, path, query: { confirm }, ip }) =>
      shape(ZIpRuleOut, await removeIpRuleById(db, actor, path.id, { callerIp: ip, confirm })),
  }),
  ...SITE_V1_ROUTES,
];

/** The route for a method and path, with its numeric path parameters; a 404 or 405 otherwise. */
export function matchV1(method: string, path: string): { route: V1Route; params: Record<string, number> } {
  const segs = path.split("/").filter(Boolean);
  let pathMatched = false;
  for (const route of V1_ROUTES) {
    const tpl = route.path.split("/").filter(Boolean);
    if (tpl.length !== segs.length) continue;
    const params: Record<string, number> = {};
    let ok = true;
    for (let i = 0; i < tpl.length && ok; i++) {
      const t = tpl[i] ?? "";
      const s = segs[i] ?? "";
      if (t.startsWith("{")) {
        if (!/^[1-9]\d{0,15}$/.test(s)) ok = false;
        else params[t.slice(1, -1)] = Number(s);
      } else if (t !== s) ok = false;
    }
    if (!ok) continue;
    pathMatched = true;
    if (route.method === method) return { route, params };
  }
  if (pathMatched) throw apiError(405, msg("api.methodNotAllowed", { method, path: `/api/v1${path}` }));
  throw apiError(404, msg("api.noEndpoint", { method, path: `/api/v1${path}` }));
}
