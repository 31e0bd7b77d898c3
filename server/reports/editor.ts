/**
 * The template editor's server side (issue 11): a live preview of a job's report mail, rendered
 * against the real files of the last run that left some, and "send a test to me" — the same mail
 * to the asking user only, marked as a test. Both use the run mail's own composition
 * (mail-run.ts), so what the editor shows is what recipients get.
 */
import "server-only";
import { and, desc, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import type { Actor } from "../audit";
import type { DbOrTx } from "../db/client";
import { jobs, type ReportFileRow, reportFiles, runs, scriptVersions, users } from "../db/schema";
import { msg, renderMsg } from "../i18n/errors";
import { isLocale, type Locale } from "../i18n/locale";
import { publicUrl } from "../lib/app-info";
import { DomainError, notFound } from "../lib/errors";
import { ZScriptMail } from "../runs/modes/params";
import { checkTemplate, type TemplateCheck } from "./check";
import type { TemplateWarning } from "./dataframe";
import { composeRunMail, mailRunReport } from "./mail-run";
import { TemplateProblem } from "./template";

/** Rows read per table for a preview: enough to see the mail, quick on every keystroke. */
export const PREVIEW_MAX_ROWS = 2_000;

/** The mail as the form holds it; addresses are not needed (nor checked) to preview. */
const ZPreviewMail = ZScriptMail.omit({ to: true, cc: true, bcc: true });

export const ZPreviewInput = z.object({
  /** The job being edited: its last run with report files is the preview's source. */
  jobId: z.number().int().positive().optional(),
  /** A new job's script: the last run of any job running a version of it. */
  scriptId: z.number().int().positive().optional(),
  mail: ZPreviewMail,
});
export type PreviewInput = z.input<typeof ZPreviewInput>;

export type PreviewSource = {
  runId: number;
  jobId: number;
  jobName: string;
  scheduledAt: Date;
  files: string[];
};

export type TemplatePreview = {
  body: TemplateCheck;
  subject: TemplateCheck;
  /** The run whose files were used; null: no run left any, so the report has no tables. */
  source: PreviewSource | null;
  /** The mail as it would be sent (layout included); absent when the template failed. */
  mail?: {
    subject: string;
    html: string;
    text: string;
    /** Why a real run would send nothing (`<%no_email%>`, every table empty). */
    skipped?: "no_email" | "empty";
    attachments: string[];
    zipName?: string;
  };
  warnings: TemplateWarning[];
  /** Rendering failed: where and why (the body or the subject). */
  error?: {
    part: "subject" | "body";
    kind: "syntax" | "render";
    detail: string;
    line?: number;
    column?: number;
  };
};

type RunRef = { runId: number; jobId: number };

/** The newest run of the job that left report files. */
async function lastRunOfJob(db: DbOrTx, jobId: number): Promise<RunRef | undefined> {
  const [row] = await db
    .select({ runId: reportFiles.runId, jobId: reportFiles.jobId })
    .from(reportFiles)
    .where(eq(reportFiles.jobId, jobId))
    .orderBy(desc(reportFiles.runId))
    .limit(1);
  return row;
}

/** The newest run with report files of any script job running a version of this script. */
async function lastRunOfScript(db: DbOrTx, scriptId: number): Promise<RunRef | undefined> {
  const sameName = db
    .select({ id: scriptVersions.id })
    .from(scriptVersions)
    .where(
      eq(
        scriptVersions.name,
        db.select({ name: scriptVersions.name }).from(scriptVersions).where(eq(scriptVersions.id, scriptId)),
      ),
    );
  const [row] = await db
    .select({ runId: reportFiles.runId, jobId: reportFiles.jobId })
    .from(reportFiles)
    .innerJoin(jobs, eq(jobs.id, reportFiles.jobId))
    .where(and(eq(jobs.mode, "script"), inArray(sql`(${jobs.params}->>'scriptId')::int`, sameName)))
    .orderBy(desc(reportFiles.runId))
    .limit(1);
  return row;
}

type RunFacts = {
  run: { id: number; scheduledAt: Date; attempt: number };
  job: { id: number; name: string; timezone: string };
  locale: Locale;
  files: ReportFileRow[];
};

async function runFacts(db: DbOrTx, ref: RunRef): Promise<RunFacts> {
  const [row] = await db
    .select({
      id: runs.id,
      scheduledAt: runs.scheduledAt,
      attempt: runs.attempt,
      jobId: jobs.id,
      name: jobs.name,
      timezone: jobs.timezone,
      locale: users.locale,
    })
    .from(runs)
    .innerJoin(jobs, eq(jobs.id, runs.jobId))
    .leftJoin(users, eq(users.id, jobs.ownerId))
    .where(eq(runs.id, ref.runId));
  if (!row) throw notFound("run", ref.runId);
  const files = await db
    .select()
    .from(reportFiles)
    .where(eq(reportFiles.runId, row.id))
    .orderBy(reportFiles.id);
  return {
    run: { id: row.id, scheduledAt: row.scheduledAt, attempt: row.attempt },
    job: { id: row.jobId, name: row.name, timezone: row.timezone },
    locale: isLocale(row.locale) ? row.locale : "en",
    files,
  };
}

async function jobFacts(db: DbOrTx, jobId: number) {
  const [row] = await db
    .select({ id: jobs.id, name: jobs.name, timezone: jobs.timezone, locale: users.locale })
    .from(jobs)
    .leftJoin(users, eq(users.id, jobs.ownerId))
    .where(eq(jobs.id, jobId));
  if (!row) throw notFound("job", jobId);
  return row;
}

/**
 * The job's report mail rendered from the template being edited, against the files of the last
 * run that left some (the job's own, else a new job's script's). Never sends, never makes a share
 * link; renders even under `<%no_email%>` (and says that a run would not send).
 */
export async function previewTemplate(
  db: DbOrTx,
  input: PreviewInput,
  locale: Locale,
): Promise<TemplatePreview> {
  const o = ZPreviewInput.parse(input);
  const mail = { ...o.mail, to: [], cc: [], bcc: [] };
  const body = inLocale(checkTemplate(mail.body, "html"), locale);
  const subject = inLocale(checkTemplate(mail.subject, "text"), locale);
  const result: TemplatePreview = { body, subject, source: null, warnings: [] };
  if (!body.ok || !subject.ok) {
    const [part, check] = body.ok ? (["subject", subject] as const) : (["body", body] as const);
    if (check.error) result.error = { part, ...check.error };
    return result;
  }

  const ref =
    (o.jobId ? await lastRunOfJob(db, o.jobId) : undefined) ??
    (o.scriptId ? await lastRunOfScript(db, o.scriptId) : undefined);
  let facts: RunFacts;
  if (ref) {
    facts = await runFacts(db, ref);
    // The job being edited names and dates the mail, even when another job's run gave the files.
    if (o.jobId && ref.jobId !== o.jobId) {
      const j = await jobFacts(db, o.jobId);
      facts.job = { id: j.id, name: j.name, timezone: j.timezone };
    }
    result.source = {
      runId: facts.run.id,
      jobId: ref.jobId,
      jobName: (await jobFacts(db, ref.jobId)).name,
      scheduledAt: facts.run.scheduledAt,
      files: facts.files.map((f) => f.name),
    };
  } else {
    const j = o.jobId ? await jobFacts(db, o.jobId) : undefined;
    facts = {
      run: { id: 0, scheduledAt: new Date(), attempt: 1 },
      job: { id: j?.id ?? 0, name: j?.name ?? "", timezone: j?.timezone ?? "UTC" },
      locale: isLocale(j?.locale) ? j.locale : locale,
      files: [],
    };
  }

  try {
    const composed = await composeRunMail(
      { mail, files: facts.files, job: facts.job, run: facts.run, locale: facts.locale },
      { preview: true, maxRows: PREVIEW_MAX_ROWS, shareUrl: async () => `${publicUrl()}/share/…` },
    );
    const r = composed.rendered;
    result.warnings = r.warnings;
    result.mail = {
      subject: r.subject || facts.job.name,
      html: composed.html,
      text: composed.text,
      skipped: r.flags.includes("no_email")
        ? "no_email"
        : mail.skipWhenEmpty &&
            composed.report.tables.length > 0 &&
            composed.report.tables.every(([, t]) => t.totalRows === 0)
          ? "empty"
          : undefined,
      attachments: r.attachments.files.map((f) => f.name),
      zipName: r.attachments.zip ? r.attachments.zipName : undefined,
    };
  } catch (e) {
    if (!(e instanceof TemplateProblem)) throw e;
    const detail = renderMsg(e.msg, locale);
    result.error = { part: e.part ?? "body", kind: e.kind, detail, line: e.line, column: e.column };
  }
  return result;
}

/** A check whose error detail is said in the editor's language (the parser's words are English). */
function inLocale(check: TemplateCheck, locale: Locale): TemplateCheck {
  return check.error
    ? { ...check, error: { ...check.error, detail: renderMsg(check.error.msg, locale) } }
    : check;
}

/** The job's mail settings, for a test of the saved job. */
async function savedMail(db: DbOrTx, jobId: number) {
  const [job] = await db
    .select({ mode: jobs.mode, params: jobs.params })
    .from(jobs)
    .where(eq(jobs.id, jobId));
  if (!job) throw notFound("job", jobId);
  if (job.mode !== "script" && job.mode !== "mail_pickup") {
    throw new DomainError("BAD_REQUEST", msg("notAReportJob"), "jobId");
  }
  return ZScriptMail.parse((job.params as { mail?: unknown }).mail ?? {});
}

export const ZSendTestInput = z.object({ jobId: z.number().int().positive() });

/**
 * "Send a test to me": the job's report mail, rendered from its last run's files, queued through
 * the outbox to the asking user's own address only, its subject marked as a test.
 */
export async function sendTestReport(db: DbOrTx, actor: Actor, input: z.input<typeof ZSendTestInput>) {
  const { jobId } = ZSendTestInput.parse(input);
  const mail = await savedMail(db, jobId);
  if (!actor.id) throw new DomainError("BAD_REQUEST", msg("noEmailForTest"));
  const [me] = await db.select({ email: users.email }).from(users).where(eq(users.id, actor.id));
  if (!me?.email) throw new DomainError("BAD_REQUEST", msg("noEmailForTest"));
  const ref = await lastRunOfJob(db, jobId);
  if (!ref) throw new DomainError("PRECONDITION_FAILED", msg("noReportRun"));
  const facts = await runFacts(db, ref);
  const sent = await mailRunReport(
    db,
    { mail, files: facts.files, job: facts.job, run: facts.run, locale: facts.locale },
    { to: me.email, actor },
  );
  if (!sent.sent) throw new Error(`test mail not made: ${sent.reason}`);
  return { outboxId: sent.outboxId, to: me.email, runId: facts.run.id, attachments: sent.attachments };
}
