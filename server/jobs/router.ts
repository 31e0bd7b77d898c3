import { z } from "zod";
import { audit } from "../audit";
import { isValidTimeZone, parseCron } from "../cron/cron";
import { readFunctionCatalog, requestFunctionReload } from "../functions/catalog";
import { localizedMessage, msg, renderMsg } from "../i18n/errors";
import { userTimeZone } from "../i18n/zone";
import { requirePermission, router } from "../trpc";
import {
  cloneJob,
  createJob,
  deleteJob,
  getJob,
  isSchedulerPaused,
  listJobs,
  recentDurations,
  restartJob,
  runJobNow,
  setSchedulerPaused,
  stopJob,
  updateJob,
} from "./jobs";
import { ZCronPreviewInput, ZJobId, ZJobInput, ZListJobsInput } from "./schema";
import { jobForRole } from "./secret-fields";

export const jobsRouter = router({
  list: requirePermission("jobs.read")
    .input(ZListJobsInput)
    .query(async ({ ctx, input }) => {
      const page = await listJobs(ctx.db, input);
      const durations = await recentDurations(
        ctx.db,
        page.items.map((j) => j.id),
      );
      return {
        ...page,
        items: page.items.map((j) => ({
          ...jobForRole(j, ctx.actor.role),
          durations: durations.get(j.id) ?? [],
        })),
      };
    }),
  get: requirePermission("jobs.read")
    .input(ZJobId)
    .query(async ({ ctx, input }) => jobForRole(await getJob(ctx.db, input.id), ctx.actor.role)),
  create: requirePermission("jobs.write")
    .input(ZJobInput)
    .mutation(async ({ ctx, input }) =>
      jobForRole(await createJob(ctx.db, ctx.actor, input), ctx.actor.role),
    ),
  update: requirePermission("jobs.write")
    .input(z.object({ id: z.number().int().positive(), job: ZJobInput }))
    .mutation(async ({ ctx, input }) =>
      jobForRole(await updateJob(ctx.db, ctx.actor, input.id, input.job), ctx.actor.role),
    ),
  delete: requirePermission("jobs.write")
    .input(ZJobId)
    .mutation(async ({ ctx, input }) => {
      await deleteJob(ctx.db, ctx.actor, input.id);
      return { ok: true };
    }),
  clone: requirePermission("jobs.write")
    .input(ZJobId)
    .mutation(async ({ ctx, input }) =>
      jobForRole(await cloneJob(ctx.db, ctx.actor, input.id), ctx.actor.role),
    ),
  runNow: requirePermission("jobs.run")
    .input(ZJobId)
    .mutation(({ ctx, input }) => runJobNow(ctx.db, ctx.actor, input.id)),
  stop: requirePermission("jobs.run")
    .input(ZJobId)
    .mutation(async ({ ctx, input }) =>
      jobForRole(await stopJob(ctx.db, ctx.actor, input.id), ctx.actor.role),
    ),
  restart: requirePermission("jobs.run")
    .input(ZJobId)
    .mutation(async ({ ctx, input }) =>
      jobForRole(await restartJob(ctx.db, ctx.actor, input.id), ctx.actor.role),
    ),
  scheduler: requirePermission("jobs.read")
    .input(z.void())
    .query(async ({ ctx }) => ({ paused: await isSchedulerPaused(ctx.db) })),
  setPaused: requirePermission("jobs.write")
    .input(z.object({ paused: z.boolean() }))
    .mutation(async ({ ctx, input }) => {
      await setSchedulerPaused(ctx.db, ctx.actor, input.paused);
      return { paused: input.paused };
    }),
  /** What a schedule means, as you type it: its text in both languages and its next fires. */
  previewCron: requirePermission("jobs.read")
    .input(ZCronPreviewInput)
    .query(async ({ ctx, input }) => {
      const timezone = input.timezone || userTimeZone(ctx.user);
      const locale = ctx.locale ?? "en";
      if (!isValidTimeZone(timezone)) {
        return { ok: false as const, error: renderMsg(msg("unknownZone", { zone: timezone }), locale) };
      }
      const anchor = input.jobId ? (await getJob(ctx.db, input.jobId).catch(() => null))?.createdAt : null;
      try {
        const s = parseCron(input.cron, timezone, anchor);
        return {
          ok: true as const,
          timezone,
          normalized: s.normalized,
          readings: s.readings,
          text: { en: s.describe("en"), "zh-CN": s.describe("zh-CN") },
          next: s.nextN(new Date(), input.count),
        };
      } catch (e) {
        return { ok: false as const, error: localizedMessage(e, locale) };
      }
    }),
  functions: requirePermission("jobs.read")
    .input(z.void())
    .query(({ ctx }) => readFunctionCatalog(ctx.db)),
  reloadFunctions: requirePermission("jobs.write")
    .input(z.void())
    .mutation(async ({ ctx }) => {
      await requestFunctionReload(ctx.db);
      await audit(ctx.db, ctx.actor, "functions.reload", "functions", null);
      return { ok: true };
    }),
});
