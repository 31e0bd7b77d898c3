import { eq } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "../db/client";
import { reportFiles } from "../db/schema";
import { notFound } from "../lib/errors";
import { publicProcedure, requirePermission, router } from "../trpc";
import { listReportFiles, listRunFiles, ZListReportFilesInput } from "./archive";
import { previewTemplate, sendTestReport, ZPreviewInput, ZSendTestInput } from "./editor";
import {
  diffScriptVersions,
  getScriptVersion,
  listScripts,
  listScriptVersions,
  uploadScript,
  ZDiffScriptsInput,
  ZListScriptsInput,
  ZScriptName,
  ZUploadScriptInput,
} from "./scripts";

import {
  createShare,
  listShares,
  revokeShare,
  sharedFile,
  viewShare,
  ZCreateShareInput,
  ZShareToken,
} from "./share";
import { chartReportFile, viewReportFile, ZViewChart, ZViewPage } from "./viewer";

const ZId = z.object({ id: z.number().int().positive() });
const ZFileId = z.number().int().positive();
const ZShared = z.object({ token: ZShareToken, fileId: ZFileId });

async function fileRow(db: DbOrTx, id: number) {
  const [row] = await db.select().from(reportFiles).where(eq(reportFiles.id, id)).limit(1);
  if (!row) throw notFound("report file", id);
  return row;
}

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
    /** One page of one sheet of a report file: the viewer. */
    view: requirePermission("reports.read")
      .input(ZViewPage.extend({ id: ZFileId }))
      .query(async ({ ctx, input }) => viewReportFile(await fileRow(ctx.db, input.id), input)),
    chart: requirePermission("reports.read")
      .input(ZViewChart.extend({ id: ZFileId }))
      .query(async ({ ctx, input }) => chartReportFile(await fileRow(ctx.db, input.id), input)),
  }),
  /** Links to one run's report that open without an account. */
  shares: router({
    create: requirePermission("reports.share")
      .input(ZCreateShareInput)
      .mutation(({ ctx, input }) => createShare(ctx.db, ctx.actor, input)),
    ofRun: requirePermission("reports.share")
      .input(z.object({ runId: z.number().int().positive() }))
      .query(({ ctx, input }) => listShares(ctx.db, input.runId)),
    revoke: requirePermission("reports.share")
      .input(ZId)
      .mutation(({ ctx, input }) => revokeShare(ctx.db, ctx.actor, input.id)),
  }),
  /** What a share link opens, for anyone holding the token (the share page). */
  shared: router({
    get: publicProcedure
      .input(z.object({ token: z.string().max(200) }))
      .query(({ ctx, input }) => viewShare(ctx.db, input.token)),
    view: publicProcedure
      .input(ZViewPage.extend(ZShared.shape))
      .query(async ({ ctx, input }) =>
        viewReportFile(await sharedFile(ctx.db, input.token, input.fileId), input),
      ),
    chart: publicProcedure
      .input(ZViewChart.extend(ZShared.shape))
      .query(async ({ ctx, input }) =>
        chartReportFile(await sharedFile(ctx.db, input.token, input.fileId), input),
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
    /** The line diff between two versions (the job form's "compare versions"). */
    diff: requirePermission("jobs.write")
      .input(ZDiffScriptsInput)
      .query(({ ctx, input }) => diffScriptVersions(ctx.db, input)),
  }),
  /** The job form's template editor: checks and a live preview against real report files. */
  templates: router({
    /**
     * Changes nothing, but a mutation: a POST carries a long template, which a query's GET URL
     * could not (the editor calls it as a query, debounced).
     */
    preview: requirePermission("jobs.write")
      .input(ZPreviewInput)
      .mutation(({ ctx, input }) => previewTemplate(ctx.db, input, ctx.locale ?? "en")),
  }),
  /** "Send a test to me": the job's report mail from its last run, to the caller only. */
  sendTest: requirePermission("jobs.run")
    .input(ZSendTestInput)
    .mutation(({ ctx, input }) => sendTestReport(ctx.db, ctx.actor, input)),
});
