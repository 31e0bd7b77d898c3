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
import { sendMail } from "../mail/outbox";
import { recipientGroups } from "../mail/recipients";
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
  /** The language of addresses that are not Kairos users (the job's, else the instance's). */
  locale: Locale;
};

export type RunMailResult =
  | {
      sent: true;
      /** The first mail's id; outboxIds has one per language the recipients read. */
      outboxId: number;
      outboxIds: number[];
      attachments: string[];
      rendered: RenderedMail;
      shareUrl: string;
    }
  | { sent: false; reason: "no_recipients" | "no_email" | "empty"; rendered?: RenderedMail };

/** Private-use marks where the body goes into the rendered layout (the body is never parsed twice). */
const BODY_MARK = "\ue002kairos-report-body\ue003";

type Addressees = { to: string[]; cc: string[]; bcc: string[] };

/**
 * The mail's addresses split by the language each reads (issue 10): Kairos users their own,
 * other addresses `fallback`. Each language gets its own mail with its share of To, Cc and Bcc;
 * a share without a To address sends to its Cc, and Bcc-only addresses get a mail each, so
 * nobody sees an address they would not have seen in one mail.
 */
async function byLanguage(db: DbOrTx, mail: ScriptMail, fallback: Locale): Promise<[Locale, Addressees][]> {
  const all = [...mail.to, ...mail.cc, ...mail.bcc];
  const groups = await recipientGroups(db, all, { locale: fallback, timeZone: "UTC" });
  const localeOf = new Map<string, Locale>();
  for (const g of groups) for (const a of g.to) localeOf.set(a.toLowerCase(), g.locale);
  const out = new Map<Locale, Addressees>();
  const put = (list: "to" | "cc" | "bcc", addresses: string[]) => {
    for (const a of addresses) {
      const locale = localeOf.get(a.toLowerCase()) ?? fallback;
      const g = out.get(locale) ?? { to: [], cc: [], bcc: [] };
      g[list].push(a);
      out.set(locale, g);
    }
  };
  put("to", mail.to);
  put("cc", mail.cc);
  put("bcc", mail.bcc);
  return [...out].flatMap(([locale, g]): [Locale, Addressees][] => {
    if (g.to.length) return [[locale, g]];
    if (g.cc.length) return [[locale, { to: g.cc, cc: [], bcc: g.bcc }]];
    return g.bcc.map((a) => [locale, { to: [a], cc: [], bcc: [] }]);
  });
}

export async function mailRunReport(db: DbOrTx, input: RunMailInput): Promise<RunMailResult> {
  const { mail, job, run } = input;
  const paths = new Map<number, string>();
  for (const f of input.files) paths.set(f.id, await reportFilePath(f));
  const report = await readReportTables(
    input.files.map((f) => ({ path: paths.get(f.id) ?? "", name: f.name })),
  );
  const renderIn = (locale: Locale) =>
    renderReportMail({
      template: mail.body,
      subject: mail.subject.trim() ? mail.subject : undefined,
      report,
      job: { id: job.id, name: job.name },
      run: { id: run.id, scheduledAt: run.scheduledAt.toISOString(), attempt: run.attempt },
      date: run.scheduledAt,
      timeZone: job.timezone,
      locale,
      options: { attach: mail.attach, zipAboveBytes: mail.zipAboveBytes, skipWhenEmpty: mail.skipWhenEmpty },
    });
  const groups = mail.to.length ? await byLanguage(db, mail, input.locale) : [];
  const firstLocale = groups[0]?.[0] ?? input.locale;
  const first = await renderIn(firstLocale);
  if (!first.send) return { sent: false, reason: first.skipped ?? "no_email", rendered: first };
  if (!mail.to.length) return { sent: false, reason: "no_recipients", rendered: first };

  const base = publicUrl();
  // Recipients usually have no account: the mail's button opens the report through a link.
  const share = await createShare(db, null, { runId: run.id });
  const byName = new Map(input.files.map((f) => [f.name, f]));
  const chosen = first.attachments.files.map((f) => byName.get(f.name)).filter((f) => f !== undefined);
  const contents = await Promise.all(
    chosen.map(async (f) => ({ file: f, content: await readFile(paths.get(f.id) ?? "") })),
  );
  const attachments = first.attachments.zip
    ? [
        {
          filename: first.attachments.zipName ?? "report.zip",
          contentType: "application/zip",
          content: zipFiles(contents.map((c) => ({ name: c.file.name, data: c.content }))),
        },
      ]
    : contents.map((c) => ({
        filename: c.file.name.split("/").pop() ?? c.file.name,
        contentType: c.file.contentType,
        content: c.content,
      }));

  const rendered = new Map<Locale, RenderedMail>([[firstLocale, first]]);
  const outboxIds: number[] = [];
  for (const [locale, to] of groups) {
    const r = rendered.get(locale) ?? (await renderIn(locale));
    rendered.set(locale, r);
    const { html: frame } = await renderEmail(
      createElement(
        ReportMail,
        {
          locale,
          jobName: job.name,
          date: dateText(run.scheduledAt, job.timezone),
          title: r.title,
          runUrl: `${base}/runs/${run.id}`,
          shareUrl: share.url,
          url: base,
        },
        BODY_MARK,
      ),
    );
    const at = frame.indexOf(BODY_MARK);
    const html = at < 0 ? frame : frame.slice(0, at) + r.html + frame.slice(at + BODY_MARK.length);
    const text = `${job.name} · ${dateText(run.scheduledAt, job.timezone)}\n\n${r.text}\n\n${share.url}\n${base}/runs/${run.id}\n`;
    outboxIds.push(
      await sendMail(db, {
        kind: "report",
        ...to,
        subject: r.subject || job.name,
        html,
        text,
        attachments,
      }),
    );
  }
  return {
    sent: true,
    outboxId: outboxIds[0] ?? 0,
    outboxIds,
    attachments: attachments.map((a) => a.filename),
    rendered: first,
    shareUrl: share.url,
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
