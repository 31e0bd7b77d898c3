/**
 * What every TimerJobs route file shares: the route type, the definer that ties a handler's
 * params to its input schema, and the parameter schemas several tags use.
 */
import { z } from "zod";
import type { Permission } from "../../../auth/permissions";
import type { Db } from "../../../db/client";
import { msg, zodText } from "../../../i18n/errors";
import { MAX_PAGE_SIZE, zPageSize } from "../../../lib/paging";
import { type ApiActor, apiError } from "../../core";
import { ZCompatId } from "../jobs-map";

export type CompatContext<P = unknown> = {
  db: Db;
  /** Null only on public routes (health). */
  actor: ApiActor | null;
  /** The request's parameters, already parsed by the route's input schema (handle.ts). */
  params: P;
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

export type CompatTag = "jobs" | "logs" | "system" | "ip" | "functions";

type CompatRouteMeta = {
  path: string;
  methods: readonly ("GET" | "POST")[];
  tag: CompatTag;
  summary: string;
  summaryZh: string;
  description?: string;
  descriptionZh?: string;
  permission: Permission | null;
  /** Keys whose query-string / form values are numbers or booleans (coerced before parsing). */
  numeric?: readonly string[];
  booleans?: readonly string[];
  /** The shape of `data` on success, for the docs. */
  output?: z.ZodType;
  paged?: boolean;
};

export type CompatRoute = CompatRouteMeta & {
  /** Parameters, from the query string or the body (JSON or form); parsed once, by the dispatcher. */
  input?: z.ZodType;
  handler: (ctx: CompatContext) => Promise<CompatResult>;
};

/**
 * One route whose handler receives `params` typed by its `input` schema. The dispatcher parses
 * with that same schema, so the docs, the error messages and the handler's types cannot drift.
 */
export function compatRoute<S extends z.ZodType>(
  r: CompatRouteMeta & {
    input: S;
    handler: (ctx: CompatContext<z.output<S>>) => Promise<CompatResult>;
  },
): CompatRoute;
export function compatRoute(
  r: CompatRouteMeta & { handler: (ctx: CompatContext<Record<string, never>>) => Promise<CompatResult> },
): CompatRoute;
export function compatRoute(
  r: CompatRouteMeta & {
    input?: z.ZodType;
    handler: (ctx: CompatContext<never>) => Promise<CompatResult>;
  },
): CompatRoute {
  return r as CompatRoute;
}

export const ZPage = {
  page: z.number().int().min(1, "must be 1 or more").default(1).meta({ description: "页码 / page, from 1" }),
  size: zPageSize()
    .optional()
    .meta({
      description: `每页数量 / page size (default 10; more than ${MAX_PAGE_SIZE} is answered with ${MAX_PAGE_SIZE})`,
    }),
  page_size: zPageSize().optional().meta({ description: "same as size" }),
};

/** The page size used: the one asked for (already capped at MAX_PAGE_SIZE by zPageSize), or 10. */
export const sizeOf = (p: { size?: number; page_size?: number; limit?: number }, fallback = 10) =>
  p.size ?? p.page_size ?? p.limit ?? fallback;

export const ZDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, zodText("dateYmd"))
  // 2024-13-45 has the right shape and is no date: refuse it here, not in Postgres.
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
  }, zodText("realDate"))
  .meta({ description: "日期 / day (YYYY-MM-DD, in the server's display zone)" });

export const ZIdInput = z.object({ id: ZCompatId });

export function actorOf(ctx: CompatContext): ApiActor {
  if (!ctx.actor) throw apiError(401, msg("apiAuth.tokenRequired"));
  return ctx.actor;
}
