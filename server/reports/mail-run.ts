/**
 * A script run's report mail (issue 11): the run's archived files → tables → the job's
 * template → React Email layout → the outbox (sendMail), with the files attached (all, by
 * pattern, or zipped above a size). Failures are not mailed here: a run that fails is mailed to
 * the job's notification addresses by the runs' follow-up (server/runs/followups.ts), whatever
 * the body's flags say.
 */
import "server-only";
import { readFile } from "node:fs/promises";
import { createElement } from "react";
import { ReportMail } from "../../emails/report-mail";
import type { Actor } from "../audit";
import type { DbOrTx } from "../db/client";
import type { ReportFileRow } from "../db/schema";
import type { Locale } from "../i18n/locale";
import { translator } from "../i18n/messages";
import { publicUrl } from "../lib/app-info";
import { sendMail } from "../mail/outbox";
import { renderEmail } from "../mail/render";
import type { ScriptMail } from "../runs/modes/params";
import { reportFilePath } from "./archive";
import { type ReportTables, readReportTables } from "./read";
import { type RenderedMail, renderReportMail } from "./render";
import { createShare } from "./share";
import { zipFiles } from "./zip";

export type RunMailInput = {
  mail: ScriptMail;
  files: readonly ReportFileRow[];
  job: { id: number; name: string; timezone: string };
  run: { id: number; scheduledAt: Date; attempt: number };
  locale: Locale;
};

export type RunMailResult =
  | { sent: true; outboxId: number; attachments: string[]; rendered: RenderedMail; shareUrl?: string }
  | { sent: false; reason: "no_recipients" | "no_email" | "empty"; rendered?: RenderedMail };

/** Private-use marks where the body goes into the rendered layout (the body is never parsed twice). */
const BODY_MARK = "\ue002kairos-report-body\ue003";

/** What sending a test changes: one recipient (the asking user), a marked subject, always sent. */
export type TestSend = { to: string; actor: Actor };

/**
 * The run's files read, the job's template rendered, the mail laid out: what the report mail
 * (and the editor's preview, and a test) shows. `shareUrl` is asked for only when a mail is made.
 */
export async function composeRunMail(
  input: RunMailInput,
  opts: { preview: boolean; shareUrl: () => Promise<string | undefined>; maxRows?: number },
): Promise<{
  rendered: RenderedMail;
  report: ReportTables;
  html: string;
  text: string;
  paths: Map<number, string>;
}> {
  const { mail, job, run } = input;
  const paths = new Map<number, string>();
  for (const f of input.files) paths.set(f.id, await reportFilePath(f));
  const report = await readReportTables(
    input.files.map((f) => ({ path: paths.get(f.id) ?? "", name: f.name })),
    opts.maxRows ? { maxRows: opts.maxRows } : {},
  );
  const rendered = await renderReportMail({
    template: mail.body,
    subject: mail.subject.trim() ? mail.subject : undefined,
    report,
    job: { id: job.id, name: job.name },
    run: { id: run.id, scheduledAt: run.scheduledAt.toISOString(), attempt: run.attempt },
    date: run.scheduledAt,
    timeZone: job.timezone,
    locale: input.locale,
    options: {
      attach: mail.attach,
      zipAboveBytes: mail.zipAboveBytes,
      skipWhenEmpty: mail.skipWhenEmpty,
      preview: opts.preview,
    },
  });
  if (!rendered.send) return { rendered, report, html: "", text: "", paths };

  const base = publicUrl();
  const shareUrl = await opts.shareUrl();
  const runUrl = `${base}/runs/${run.id}`;
  const { html: frame } = await renderEmail(
    createElement(
      ReportMail,
      {
        locale: input.locale,
        jobName: job.name,
        date: dateText(run.scheduledAt, job.timezone),
        title: rendered.title,
        runUrl,
        shareUrl,
        url: base,
      },
      BODY_MARK,
    ),
  );
  const at = frame.indexOf(BODY_MARK);
  const html = at < 0 ? frame : frame.slice(0, at) + rendered.html + frame.slice(at + BODY_MARK.length);
  const text = `${job.name} · ${dateText(run.scheduledAt, job.timezone)}\n\n${rendered.text}\n\n${shareUrl ? `${shareUrl}\n` : ""}${runUrl}\n`;
  return { rendered, report, html, text, paths };
}

/**
 * Queues the run's report mail. With `test`, the mail goes to that one address only (no cc or
 * bcc), its subject marked as a test in the job's language, its button opens the run (no share
 * link is made), and it is made even when the body says `<%no_email%>` or every table is empty
 * (the sender wants to see it).
 */
export async function mailRunReport(
  db: DbOrTx,
  input: RunMailInput,
  test?: TestSend,
): Promise<RunMailResult> {
  const { mail, job, run } = input;
  if (!test && !mail.to.length) {
    // Rendered anyway: a template that fails still fails the run, as it would with recipients.
    const composed = await composeRunMail(input, { preview: false, shareUrl: async () => undefined });
    if (!composed.rendered.send) {
      return { sent: false, reason: composed.rendered.skipped ?? "no_email", rendered: composed.rendered };
    }
    return { sent: false, reason: "no_recipients", rendered: composed.rendered };
  }
  let share: { url: string } | undefined;
  const { rendered, html, text, paths } = await composeRunMail(input, {
    preview: !!test,
    // Recipients usually have no account: the mail's button opens the report through a link.
    // A test goes to a signed-in user: it opens the run, and mints no anonymous link.
    shareUrl: async () => {
      if (test) return undefined;
      share = await createShare(db, null, { runId: run.id });
      return share.url;
    },
  });
  if (!rendered.send) return { sent: false, reason: rendered.skipped ?? "no_email", rendered };

  const byName = new Map(input.files.map((f) => [f.name, f]));
  const chosen = rendered.attachments.files.map((f) => byName.get(f.name)).filter((f) => f !== undefined);
  const contents = await Promise.all(
    chosen.map(async (f) => ({ file: f, content: await readFile(paths.get(f.id) ?? "") })),
  );
  const attachments = rendered.attachments.zip
    ? [
        {
          filename: rendered.attachments.zipName ?? "report.zip",
          contentType: "application/zip",
          content: zipFiles(contents.map((c) => ({ name: c.file.name, data: c.content }))),
        },
      ]
    : contents.map((c) => ({
        filename: c.file.name.split("/").pop() ?? c.file.name,
        contentType: c.file.contentType,
        content: c.content,
      }));
  const subject = rendered.subject || job.name;
  const outboxId = await sendMail(db, {
    kind: test ? "report-test" : "report",
    createdBy: test?.actor.id ?? null,
    to: test ? [test.to] : mail.to,
    cc: test ? [] : mail.cc,
    bcc: test ? [] : mail.bcc,
    subject: test ? translator(input.locale)("reports.mail.testSubject", { subject }) : subject,
    html,
    text,
    attachments,
  });
  return {
    sent: true,
    outboxId,
    attachments: attachments.map((a) => a.filename),
    rendered,
    shareUrl: share?.url,
  };
}

function dateText(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(instant);
}
