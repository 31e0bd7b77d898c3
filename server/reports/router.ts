import { z } from "zod";
import { requirePermission, router } from "../trpc";
import { listReportFiles, listRunFiles, ZListReportFilesInput } from "./archive";
import {
  getScriptVersion,
  listScripts,
  listScriptVersions,
  uploadScript,
  ZListScriptsInput,
  ZScriptName,
  ZUploadScriptInput,
} from "./scripts";

const ZId = z.object({ id: z.number().int().positive() });

export const reportsRouter = router({
  files: router({
    /** Report files by job and date, with search: the Reports page. */
    list: requirePermission("reports.read")
      .input(ZListReportFilesInput)
      .query(({ ctx, input }) => listReportFiles(ctx.db, input)),
    /** One run's report files: the run page. */
    ofRun: requirePermission("reports.read")
      .input(z.object({ runId: z.number().int().positive() }))
      .query(async ({ ctx, input }) =>
        (await listRunFiles(ctx.db, input.runId)).map(({ path: _path, ...f }) => f),
      ),
  }),
  scripts: router({
    /** Code execution on the server: admins (jobs.host), checked again in uploadScript. */
    upload: requirePermission("jobs.host")
      .input(ZUploadScriptInput)
      .mutation(({ ctx, input }) =>
        uploadScript(ctx.db, ctx.actor, {
          name: input.name,
          content: input.text,
          interpreter: input.interpreter,
        }),
      ),
    list: requirePermission("jobs.read")
      .input(ZListScriptsInput)
      .query(({ ctx, input }) => listScripts(ctx.db, input)),
    versions: requirePermission("jobs.read")
      .input(z.object({ name: ZScriptName }))
      .query(({ ctx, input }) => listScriptVersions(ctx.db, input.name)),
    get: requirePermission("jobs.write")
      .input(ZId)
      .query(({ ctx, input }) => getScriptVersion(ctx.db, input.id)),
  }),
});
