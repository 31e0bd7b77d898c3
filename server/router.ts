import { accountRouter, usersRouter } from "./auth/router";
import { dashboardRouter } from "./dashboard/router";
import { jobsRouter } from "./jobs/router";
import { mailRouter } from "./mail/router";
import { runsRouter } from "./runs/router";
import { createCallerFactory, router } from "./trpc";

export const appRouter = router({
  account: accountRouter,
  users: usersRouter,
  dashboard: dashboardRouter,
  mail: mailRouter,
  jobs: jobsRouter,
  runs: runsRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
