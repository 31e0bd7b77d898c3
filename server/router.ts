import { alertingRouter } from "./alerts/router";
import { accountRouter, usersRouter } from "./auth/router";
import { dashboardRouter } from "./dashboard/router";
import { ipControlRouter } from "./ipcontrol/router";
import { jobsRouter } from "./jobs/router";
import { mailRouter } from "./mail/router";
import { alertsRouter } from "./notify/router";
import { opsRouter } from "./ops/router";
import { reportsRouter } from "./reports/router";
import { runsRouter } from "./runs/router";
import { secretsRouter } from "./secrets/router";
import { sitesRouter } from "./sites/router";
import { tokensRouter } from "./tokens/router";
import { createCallerFactory, router } from "./trpc";
import { wechatRouter } from "./wechat/router";

export const appRouter = router({
  account: accountRouter,
  users: usersRouter,
  dashboard: dashboardRouter,
  mail: mailRouter,
  alerts: alertsRouter,
  alerting: alertingRouter,
  jobs: jobsRouter,
  runs: runsRouter,
  reports: reportsRouter,
  tokens: tokensRouter,
  ipControl: ipControlRouter,
  secrets: secretsRouter,
  sites: sitesRouter,
  ops: opsRouter,
  wechat: wechatRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
