import { z } from "zod";
import { AUDIT_ACTIONS, AUDIT_AREAS } from "../lib/enums";
import { zPageSize } from "../lib/paging";

const zInstant = () => z.iso.datetime({ offset: true, error: "must be a date and time" }).optional();

export const ZAuditListInput = z.object({
  actor: z.string().trim().max(200).optional(),
  area: z.enum(AUDIT_AREAS as [string, ...string[]], { error: "is not a known area" }).optional(),
  action: z.enum(AUDIT_ACTIONS, { error: "is not a known action" }).optional(),
  from: zInstant(),
  to: zInstant(),
  page: z.number().int().min(1).default(1),
  size: zPageSize().default(25),
});
export type AuditListInput = z.infer<typeof ZAuditListInput>;

/** pino's numeric levels, by name. */
export const LOG_LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 } as const;
export type LogLevelName = keyof typeof LOG_LEVELS;
export const LOG_LEVEL_NAMES = Object.keys(LOG_LEVELS) as LogLevelName[];
export const LOG_SERVICES = ["web", "worker", "launcher"] as const;

export const ZLogFilter = z.object({
  /** The least severe level shown. */
  level: z.enum(LOG_LEVEL_NAMES as [LogLevelName, ...LogLevelName[]], { error: "is not a level" }).optional(),
  /** The process (web, worker, launcher) or the logger's component (runs, auth, web…). */
  component: z.string().trim().max(100).optional(),
  text: z.string().trim().max(500).optional(),
  reqId: z.string().trim().max(100).optional(),
  runId: z.number().int().positive().optional(),
  from: zInstant(),
  to: zInstant(),
});
export type LogFilter = z.infer<typeof ZLogFilter>;

export const ZLogListInput = ZLogFilter.extend({
  page: z.number().int().min(1).default(1),
  size: zPageSize().default(50),
});

/** Live tail: only entries after the newest the page has. */
export const ZLogTailInput = ZLogFilter.extend({ afterId: z.number().int().min(0) });

export const ZRetentionInput = z.object({
  days: z
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(1, "must be 1 or more")
    .max(3650, "must be 3650 or less"),
});
