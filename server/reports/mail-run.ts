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
import type { DbOrTx } from "../db/client";
import type { ReportFileRow } from "../db/schema";
import type { Locale } from "../i18n/locale";
import { publicUrl } from "../lib/app-info";
import { localDate } from "../lib/local-time";
import { sendMail } from "../mail/outbox";
import { renderEmail } from "../mail/render";
import type { ScriptMail } from "../runs/modes/params";
import { reportFilePath } from "./archive";
import { readReportTables } from "./read";
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
  | { sent: true; outboxId: number; attachments: string[]; rendered: RenderedMail; shareUrl: string }
  | { sent: false; reason: "no_recipients" | "no_email" | "empty"; rendered?: RenderedMail };

/** Private-use marks where the body goes into the rendered layout (the body is never parsed twice). */
const BODY_MARK = "\ue002kairos-report-body\ue003";

export async function mailRunReport(db: DbOrTx, input: RunMailInput): Promise<RunMailResult> {
  const { mail, job, run } = input;
  const paths = new Map<number, string>();
  for (const f of input.files) paths.set(f.id, await reportFilePath(f));
  const report = await readReportTables(
    input.files.map((f) => ({ path: paths.get(f.id) ?? "", name: f.name })),
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
    options: { attach: mail.attach, zipAboveBytes: mail.zipAboveBytes, skipWhenEmpty: mail.skipWhenEmpty },
  });
  if (!rendered.send) return { sent: false, reason: rendered.skipped ?? "no_email", rendered };
  if (!mail.to.length) return { sent: false, reason: "no_recipients", rendered };

  const base = publicUrl();
  // Recipients usually have no account: the mail's button opens the report through a link.
  const share = await createShare(db, null, { runId: run.id });
  const { html: frame } = await renderEmail(
    createElement(
      ReportMail,
      {
        locale: input.locale,
        jobName: job.name,
        date: localDate(run.scheduledAt, job.timezone),
        title: rendered.title,
        runUrl: `${base}/runs/${run.id}`,
        shareUrl: share.url,
        url: base,
      },
      BODY_MARK,
    ),
  );
  const at = frame.indexOf(BODY_MARK);
  const html = at < 0 ? frame : frame.slice(0, at) + rendered.html + frame.slice(at + BODY_MARK.length);
  const text = `${job.name} · ${localDate(run.scheduledAt, job.timezone)}\n\n${rendered.text}\n\n${share.url}\n${base}/runs/${run.id}\n`;

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
  const outboxId = await sendMail(db, {
    kind: "report",
    to: mail.to,
    cc: mail.cc,
    bcc: mail.bcc,
    subject: rendered.subject || job.name,
    html,
    text,
    attachments,
  });
  return {
    sent: true,
    outboxId,
    attachments: attachments.map((a) => a.filename),
    rendered,
    shareUrl: share.url,
  };
}
