import { z } from "zod";
import { checkHealth } from "../health";
import { userTimeZone } from "../i18n/zone";
import { requirePermission, router } from "../trpc";
import { CHART_RANGES, dashboardSummary, runsChart } from "./summary";

export const dashboardRouter = router({
  summary: requirePermission("dashboard.read")
    .input(z.void())
    .query(({ ctx }) => dashboardSummary(ctx.db, ctx.locale ?? "en")),
  runsChart: requirePermission("dashboard.read")
    .input(z.object({ range: z.enum(CHART_RANGES).default("24h") }))
    .query(({ ctx, input }) => runsChart(ctx.db, input.range, userTimeZone(ctx.user), new Date())),
  health: requirePermission("dashboard.read")
    .input(z.void())
    .query(() => checkHealth()),
});
