import { z } from "zod";
import { msg } from "../i18n/errors";
import { env } from "../lib/env";
import { DomainError } from "../lib/errors";
import { adminProcedure, requirePermission, router } from "../trpc";
import { listAudit } from "./audit-log";
import { killRun } from "./kill";
import { getLog, listLogs, logComponents, tailLogs } from "./logs";
import { retentionDays, setRetentionDays } from "./retention";
import { ZAuditListInput, ZLogListInput, ZLogTailInput, ZRetentionInput } from "./schema";
import { databaseInfo, hostInfo, workersWithRuns } from "./system";

const ZId = z.object({ id: z.number().int().positive() });

/** The operations pages (admin): Kairos' own logs, the host and its runs, the audit log. */
export const opsRouter = router({
  logs: adminProcedure.input(ZLogListInput).query(({ ctx, input }) => listLogs(ctx.db, input)),
  /** Live tail: the page polls with the newest id it has. */
  logTail: adminProcedure.input(ZLogTailInput).query(({ ctx, input }) => tailLogs(ctx.db, input)),
  log: adminProcedure.input(ZId).query(async ({ ctx, input }) => {
    const row = await getLog(ctx.db, input.id);
    if (!row)
      throw new DomainError(
        "NOT_FOUND",
        msg("notFound", { what: "errors.what.logEntry", id: String(input.id) }),
      );
    return row;
  }),
  logComponents: adminProcedure.input(z.void()).query(({ ctx }) => logComponents(ctx.db)),
  retention: adminProcedure.input(z.void()).query(async ({ ctx }) => ({
    logs: await retentionDays(ctx.db, "logs"),
    audit: await retentionDays(ctx.db, "audit"),
  })),
  setRetention: adminProcedure
    .input(ZRetentionInput.extend({ kind: z.enum(["logs", "audit"]) }))
    .mutation(async ({ ctx, input }) => {
      await setRetentionDays(ctx.db, ctx.actor, input.kind, input.days);
      return { kind: input.kind, days: input.days };
    }),
  system: adminProcedure.input(z.void()).query(async ({ ctx }) => {
    const [host, processes, database] = await Promise.all([
      hostInfo(env().dataDir),
      workersWithRuns(ctx.db),
      databaseInfo(ctx.db),
    ]);
    return { host, ...processes, database, at: new Date() };
  }),
  killRun: adminProcedure.input(ZId).mutation(({ ctx, input }) => killRun(ctx.db, ctx.actor, input.id)),
  audit: requirePermission("audit.read")
    .input(ZAuditListInput)
    .query(({ ctx, input }) => listAudit(ctx.db, input)),
});
