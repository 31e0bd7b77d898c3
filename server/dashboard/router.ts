import { z } from "zod";
import { requirePermission, router } from "../trpc";
import { dashboardSummary } from "./summary";

export const dashboardRouter = router({
  summary: requirePermission("dashboard.read")
    .input(z.void())
    .query(({ ctx }) => dashboardSummary(ctx.db)),
});
