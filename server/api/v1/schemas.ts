/** Shapes the native API answers with (the documentation is generated from these). */
import { z } from "zod";
import { LOCALES } from "../../i18n/locale";
import {
  IP_LISTS,
  JOB_MODES,
  JOB_POLICIES,
  JOB_STATES,
  LOG_STREAMS,
  MISFIRE_POLICIES,
  ROLES,
  RUN_STATUSES,
  RUN_TRIGGERS,
  TOKEN_KINDS,
} from "../../lib/enums";

const instant = z.string().meta({ format: "date-time" });

export const ZJobOut = z
  .object({
    id: z.number().int(),
    name: z.string(),
    description: z.string(),
    cron: z.string(),
    timezone: z.string(),
    mode: z.enum(JOB_MODES),
    params: z.record(z.string(), z.unknown()),
    commandText: z.string().meta({ description: "the 【key】value text of params (http, command, func)" }),
    state: z.enum(JOB_STATES),
    displayState: z.enum(["waiting", "running", "stopped"]),
    activeRuns: z.number().int(),
    policy: z.enum(JOB_POLICIES),
    runOnSave: z.boolean(),
    maxRunCount: z.number().int(),
    runCount: z.number().int(),
    timeoutSeconds: z.number().int().nullable(),
    retries: z.number().int(),
    retryBackoffSeconds: z.number().int(),
    misfirePolicy: z.enum(MISFIRE_POLICIES),
    catchUpLimit: z.number().int(),
    onSuccessStart: z.array(z.number().int()),
    onFailureStart: z.array(z.number().int()),
    notifyEmails: z.array(z.string()),
    alertRemindSeconds: z.number().int(),
    mailLanguage: z
      .enum(LOCALES)
      .nullable()
      .meta({ description: "language of mails to outside addresses; null = the instance default" }),
    ownerId: z.number().int().nullable(),
    tags: z.array(z.string()),
    nextFireAt: instant.nullable(),
    lastFireAt: instant.nullable(),
    lastRunId: z.number().int().nullable(),
    lastRunStatus: z.enum(RUN_STATUSES).nullable(),
    lastRunAt: instant.nullable(),
    retentionDays: z.number().int().nullable(),
    retentionCount: z.number().int().nullable(),
    createdAt: instant,
    updatedAt: instant,
  })
  .meta({ id: "Job" });

export const ZRunOut = z
  .object({
    id: z.number().int(),
    jobId: z.number().int(),
    jobName: z.string(),
    jobMode: z.enum(JOB_MODES),
    trigger: z.enum(RUN_TRIGGERS),
    status: z.enum(RUN_STATUSES),
    attempt: z.number().int(),
    scheduledAt: instant,
    enqueuedAt: instant,
    startedAt: instant.nullable(),
    finishedAt: instant.nullable(),
    workerId: z.string().nullable(),
    exitCode: z.number().int().nullable(),
    httpStatus: z.number().int().nullable(),
    error: z.string().nullable(),
    outputBytes: z.number().int(),
    outputTruncated: z.boolean(),
    cancelRequestedAt: instant.nullable(),
    parentRunId: z.number().int().nullable(),
    result: z.unknown(),
    host: z.string().nullable().meta({ description: "host of a command's process group" }),
    pgid: z.number().int().nullable().meta({ description: "process group of a command" }),
    orphanedAt: instant
      .nullable()
      .meta({ description: "when the worker running the command was found dead" }),
    processEndedAt: instant
      .nullable()
      .meta({ description: "when a worker on its host made sure none of the command's processes were left" }),
  })
  .meta({ id: "Run" });

export const ZCreatedRun = z
  .object({
    id: z.number().int(),
    jobId: z.number().int(),
    status: z.enum(["queued", "skipped"]),
    scheduledAt: instant,
  })
  .meta({ id: "CreatedRun" });

export const ZRunLogOut = z
  .object({
    runId: z.number().int(),
    status: z.enum(RUN_STATUSES),
    finished: z
      .boolean()
      .meta({ description: "the run is over and every chunk it wrote is in this or earlier pages" }),
    nextSeq: z.number().int().meta({ description: "pass as afterSeq to get what comes next" }),
    chunks: z.array(
      z.object({ seq: z.number().int(), stream: z.enum(LOG_STREAMS), at: instant, data: z.string() }),
    ),
  })
  .meta({ id: "RunLog" });

export const ZTokenOut = z
  .object({
    id: z.number().int(),
    name: z.string(),
    kind: z.enum(TOKEN_KINDS),
    role: z.enum(ROLES),
    userId: z.number().int().nullable(),
    username: z.string().nullable(),
    tokenPrefix: z.string().meta({ description: "the first characters, to recognise the token" }),
    expiresAt: instant.nullable(),
    lastUsedAt: instant.nullable(),
    lastUsedIp: z.string().nullable(),
    revokedAt: instant.nullable(),
    createdAt: instant,
    status: z.enum(["active", "expired", "revoked"]),
  })
  .meta({ id: "Token" });

export const ZIpRuleOut = z
  .object({
    id: z.number().int(),
    list: z.enum(IP_LISTS),
    cidr: z.string(),
    value: z.string(),
    note: z.string(),
    source: z.string(),
    createdByName: z.string().nullable(),
    createdAt: instant,
  })
  .meta({ id: "IpRule" });

export const ZApiError = z
  .object({
    error: z.object({
      status: z.number().int(),
      message: z.string().meta({ description: "what went wrong, naming the field" }),
      fields: z.record(z.string(), z.array(z.string())).nullable(),
    }),
  })
  .meta({ id: "Error" });

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), total: z.number().int(), page: z.number().int(), size: z.number().int() });
