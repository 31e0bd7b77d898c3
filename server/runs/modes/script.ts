import { chmod, chown, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import { type DbOrTx, getDb } from "../../db/client";
import { type ReportFileRow, scriptVersions } from "../../db/schema";
import { isLocale, type Locale } from "../../i18n/locale";
import { instanceLocale } from "../../i18n/zone";
import { jobUser, type RunAs } from "../../lib/child-env";
import { env } from "../../lib/env";
import { archiveRunFiles, prepareRunDir } from "../../reports/archive";
import { mailRunReport, type RunMailResult } from "../../reports/mail-run";
import type { Interpreter } from "../../reports/scripts";
import { TemplateProblem } from "../../reports/template";
import type { ExecContext, ExecResult, Executor } from "../executor";
import { type Invocation, runProcess } from "./command";
import type { ScriptMail, ScriptParams } from "./params";

function interpreterCommand(interpreter: Interpreter): string {
  if (interpreter === "python") return env().KAIROS_PYTHON ?? "python3";
  if (interpreter === "node") return process.execPath;
  return "/bin/sh";
}

export type RunFacts = {
  scheduledAt: Date;
  attempt: number;
  jobName: string;
  timezone: string;
  /** The language of report mails to addresses that are not Kairos users. */
  locale: Locale;
};

/** The run's report mail (script and mail-pickup jobs), each step said in the run's log. */
export async function mailRunFiles(
  db: DbOrTx,
  mail: ScriptMail,
  files: readonly ReportFileRow[],
  ctx: ExecContext,
  facts: RunFacts,
): Promise<RunMailResult> {
  const mailed = await mailRunReport(db, {
    mail,
    files,
    job: { id: ctx.jobId, name: facts.jobName, timezone: facts.timezone },
    run: { id: ctx.runId, scheduledAt: facts.scheduledAt, attempt: facts.attempt },
    locale: facts.locale,
  });
  for (const w of mailed.rendered?.warnings ?? [])
    ctx.out.write("system", `template: ${JSON.stringify(w)}\n`);
  if (mailed.sent) {
    const attached = mailed.attachments.length ? ` with ${mailed.attachments.join(", ")}` : "";
    const ids = mailed.outboxIds.map((id) => `#${id}`).join(", ");
    ctx.out.write("system", `mail ${ids} queued to ${mail.to.join(", ")}${attached}\n`);
  } else {
    ctx.out.write("system", `no mail: ${mailed.reason}\n`);
  }
  return mailed;
}

export async function runFacts(runId: number): Promise<RunFacts | undefined> {
  const [row] = await getDb().execute<{
    scheduled_at: string | Date;
    attempt: number;
    name: string;
    timezone: string;
    mail_language: string | null;
  }>(sql`
    select r.scheduled_at, r.attempt, j.name, j.timezone, j.mail_language
    from runs r join jobs j on j.id = r.job_id
    where r.id = ${runId}`);
  if (!row) return undefined;
  return {
    scheduledAt: new Date(row.scheduled_at),
    attempt: Number(row.attempt),
    jobName: row.name,
    timezone: row.timezone,
    locale: isLocale(row.mail_language) ? row.mail_language : instanceLocale(),
  };
}

/**
 * The `script` mode (issue 11, seed 000's script jobs): the pointed script version is written
 * to a temporary file and run by its interpreter with a fresh, empty output folder as its first
 * argument (email_center's contract, so its scripts run unchanged) and KAIROS_RUN_ID,
 * KAIROS_OUTPUT_DIR, KAIROS_SCHEDULED_AT, KAIROS_JOB_NAME in its (clean) environment. The child
 * is handled as in command mode (process group, timeout, stop, live output, unprivileged user).
 * Then every file in the folder is archived as the run's report, and the job's mail is queued.
 * A run fails when the script fails, writes no file, or its mail cannot be rendered or queued.
 */
export const runScript: Executor<ScriptParams> = async (params, ctx) => {
  if (ctx.signal.aborted) return { ok: false, error: "aborted" };
  const db = getDb();
  const [version] = await db.select().from(scriptVersions).where(eq(scriptVersions.id, params.scriptId));
  if (!version) return { ok: false, error: `script version #${params.scriptId} does not exist` };
  const facts = await runFacts(ctx.runId);
  if (!facts) return { ok: false, error: `run ${ctx.runId} vanished` };
  let runAs: RunAs | null;
  try {
    runAs = await jobUser();
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }

  const outDir = await prepareRunDir(ctx.jobId, ctx.runId, runAs);
  // The script's own folder is also its working directory: files it drops there by accident
  // do not become report files.
  const scriptDir = await mkdtemp(path.join(os.tmpdir(), "kairos-script-"));
  let processResult: ExecResult;
  try {
    const file = path.join(scriptDir, version.name);
    await writeFile(file, version.text, { mode: 0o644 });
    if (runAs) await chown(scriptDir, runAs.uid, runAs.gid);
    else await chmod(scriptDir, 0o755);
    const interpreter = interpreterCommand(version.interpreter as Interpreter);
    const invocation: Invocation = { file: interpreter, args: [file, outDir, ...params.args], shell: false };
    ctx.out.write(
      "system",
      `$ ${path.basename(interpreter)} ${version.name} (v${version.version}, #${version.id}) ${outDir}${params.args.length ? ` ${params.args.join(" ")}` : ""}\n`,
    );
    if (runAs) ctx.out.write("system", `user: ${runAs.name}\n`);
    processResult = await runProcess(
      invocation,
      {
        workdir: scriptDir,
        env: {
          ...params.env,
          KAIROS_RUN_ID: String(ctx.runId),
          KAIROS_JOB_ID: String(ctx.jobId),
          KAIROS_OUTPUT_DIR: outDir,
          KAIROS_SCHEDULED_AT: facts.scheduledAt.toISOString(),
          KAIROS_JOB_NAME: facts.jobName,
          PYTHONIOENCODING: params.env.PYTHONIOENCODING ?? "utf-8",
        },
      },
      ctx,
      runAs,
    );
  } finally {
    await rm(scriptDir, { recursive: true, force: true });
  }

  // What a failed or stopped script wrote is archived too: it is evidence.
  const archived = await archiveRunFiles(db, { runId: ctx.runId, jobId: ctx.jobId, dir: outDir, runAs });
  for (const f of archived.files) ctx.out.write("system", `report file: ${f.name} (${f.size} bytes)\n`);
  for (const s of archived.skipped)
    ctx.out.write("system", `not archived (a link or not the job's own file): ${s}\n`);
  const result = { ...(processResult.result as object), files: archived.files.length };
  if (!processResult.ok || ctx.signal.aborted) return { ...processResult, result };
  if (!archived.files.length) {
    ctx.out.write("system", "the script wrote no file in its output folder\n");
    return {
      ok: false,
      exitCode: processResult.exitCode,
      error: "no report file: the script wrote nothing in its output folder",
      result,
    };
  }

  try {
    const mailed = await mailRunFiles(db, params.mail, archived.files, ctx, facts);
    if (mailed.sent) return { ...processResult, result: { ...result, mailId: mailed.outboxId } };
    return { ...processResult, result: { ...result, mail: mailed.reason } };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const part = e instanceof TemplateProblem ? `template (${e.part ?? "body"})` : "mail";
    ctx.out.write("stderr", `${part}: ${message}\n`);
    return { ok: false, exitCode: processResult.exitCode, error: `${part} error: ${message}`, result };
  }
};
