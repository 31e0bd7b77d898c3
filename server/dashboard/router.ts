import { z } from "zod";
import { checkHealth } from "../health";
import { requirePermission, router } from "../trpc";
import { dashboardSummary } from "./summary";

export const dashboardRouter = router({
  summary: requirePermission("dashboard.read")
    .input(z.void())
    .query(({ ctx }) => dashboardSummary(ctx.db)),
  health: requirePermission("dashboard.read")
    .input(z.void())
    .query(() => checkHealth()),
});
