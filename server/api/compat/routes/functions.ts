/** TimerJobs API, tag "functions": what func-mode jobs can call, and reloading it. */
import { z } from "zod";
import { audit } from "../../../audit";
import { readFunctionCatalog, requestFunctionReload } from "../../../functions/catalog";
import { actorOf, type CompatRoute, compatRoute } from "./shared";

export const FUNCTION_ROUTES: CompatRoute[] = [
  compatRoute({
    path: "/jobs/functions",
    methods: ["GET"],
    tag: "functions",
    summary: "Functions func-mode jobs can call (built-in and user functions, as the workers loaded them)",
    summaryZh: "可用函数列表",
    permission: "jobs.read",
    output: z.array(
      z.object({
        name: z.string(),
        description: z.string(),
        description_zh: z.string().optional(),
        parameters: z.string(),
        kind: z.enum(["builtin", "user"]),
        file: z.string().optional(),
      }),
    ),
    handler: async (ctx) => {
      const c = await readFunctionCatalog(ctx.db);
      return {
        msg: "获取函数列表成功",
        data: c.functions.map((f) => ({
          name: f.name,
          description: f.description,
          ...(f.descriptionZh ? { description_zh: f.descriptionZh } : {}),
          parameters: f.params.join(", "),
          kind: f.kind,
          ...(f.file ? { file: f.file } : {}),
        })),
      };
    },
  }),
  compatRoute({
    path: "/jobs/functions/reload",
    methods: ["POST"],
    tag: "functions",
    summary: "Ask every worker to reload its functions folder now",
    summaryZh: "函数热加载",
    permission: "jobs.write",
    handler: async (ctx) => {
      await requestFunctionReload(ctx.db);
      await audit(ctx.db, actorOf(ctx), "functions.reload", "functions", null);
      const c = await readFunctionCatalog(ctx.db);
      return {
        msg: "已请求所有 worker 重新加载函数目录",
        data: { requested: true, last_loaded_at: c.loadedAt, errors: c.errors },
      };
    },
  }),
];
