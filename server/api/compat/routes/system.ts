/** TimerJobs API, tag "system": database facts, configuration reload, health. */
import { z } from "zod";
import { audit } from "../../../audit";
import { requestFunctionReload } from "../../../functions/catalog";
import { checkHealth } from "../../../health";
import { applyEnvIpSeeds } from "../../../ipcontrol/rules";
import { appVersion } from "../../../lib/app-info";
import { env } from "../../../lib/env";
import { databaseInfo } from "../../queries";
import { actorOf, type CompatResult, type CompatRoute, compatRoute } from "./shared";

async function health(): Promise<CompatResult> {
  const h = await checkHealth();
  const ok = h.status === "ok";
  return {
    code: ok ? 200 : 503,
    msg: ok
      ? "系统运行正常"
      : `系统降级：${!h.db.ok ? "数据库不可用" : !h.migrations?.current ? "数据库未迁移" : "没有存活的 worker"}`,
    data: {
      app_name: "Kairos",
      app_version: appVersion(),
      status: h.status,
      timestamp: Math.floor(Date.now() / 1000),
      uptime: Math.round(process.uptime()),
      db: h.db,
      migrations: h.migrations,
      workers: h.workers,
    },
  };
}

export const SYSTEM_ROUTES: CompatRoute[] = [
  compatRoute({
    path: "/jobs/dbinfo",
    methods: ["GET"],
    tag: "system",
    summary: "Database facts: server version, size, tables, connections, migrations",
    summaryZh: "数据库信息",
    permission: "audit.read",
    handler: async (ctx) => ({ msg: "获取数据库信息成功", data: await databaseInfo(ctx.db) }),
  }),
  compatRoute({
    path: "/jobs/reload-config",
    methods: ["POST"],
    tag: "system",
    summary:
      "Re-read what can change at run time: IP_WHITELIST / IP_BLACKLIST seeds, and every worker's functions folder",
    summaryZh: "配置热重载",
    permission: "users.manage",
    output: z.object({
      reloaded: z.array(z.string()),
      ip_control: z.object({ added: z.array(z.string()), removed: z.array(z.string()) }),
      requires_restart: z.array(z.string()),
    }),
    handler: async (ctx) => {
      const actor = actorOf(ctx);
      const seeded = await applyEnvIpSeeds(ctx.db, env());
      await requestFunctionReload(ctx.db);
      await audit(ctx.db, actor, "config.reload", "config", null, { after: seeded });
      return {
        msg: "配置重载成功",
        data: {
          reloaded: [
            `ip-control: IP_WHITELIST / IP_BLACKLIST re-applied (${seeded.added.length} added, ${seeded.removed.length} removed)`,
            "functions: every worker reloads its functions folder",
            "ip-control lists, API tokens, the scheduler switch and the log switch are read on every request",
          ],
          ip_control: seeded,
          requires_restart: [
            "DATABASE_URL",
            "PORT",
            "HOST",
            "AUTH_SECRET",
            "TRUSTED_PROXIES",
            "TIMERJOBS_API_PREFIX",
            "TIMERJOBS_COMPAT_MODE",
            "API_LOOPBACK_ROLE",
            "WORKER_CONCURRENCY",
            "WORKER_PROCESS_CONCURRENCY",
            "DB_POOL_MAX",
            "LOG_LEVEL",
          ],
        },
      };
    },
  }),
  compatRoute({
    path: "/jobs/health",
    methods: ["GET"],
    tag: "system",
    summary: "Health (no token needed): database, migrations, live workers",
    summaryZh: "健康检查",
    permission: null,
    handler: () => health(),
  }),
];
