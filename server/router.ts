import { accountRouter, usersRouter } from "./auth/router";
import { dashboardRouter } from "./dashboard/router";
import { mailRouter } from "./mail/router";
import { createCallerFactory, router } from "./trpc";

export const appRouter = router({
  account: accountRouter,
  users: usersRouter,
  dashboard: dashboardRouter,
  mail: mailRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
