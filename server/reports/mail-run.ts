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
import { localDate } from "../lib/local-time";
import { sendMail } from "../mail/outbox";
import { recipientGroups } from "../mail/recipients";
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
      shareUrl?: string;
    }
  | { sent: false; reason: "no_recipients" | "no_email" | "empty"; rendered?: RenderedMail };

/** Private-use marks where the body goes into the rendered layout (the body is never parsed twice). */
const BODY_MARK = "\ue002kairos-report-body\ue003";

/** What sending a test changes: one recipient (the asking user), a marked subject, always sent. */
export type TestSend = { to: string; actor: Actor };

/** The run's archived files, read into tables (at most `maxRows` rows each when given). */
export async function readRunTables(input: RunMailInput, maxRows?: number) {
  const paths = new Map<number, string>();
  for (const f of input.files) paths.set(f.id, await reportFilePath(f));
  const report = await readReportTables(
    input.files.map((f) => ({ path: paths.get(f.id) ?? "", name: f.name })),
    maxRows ? { maxRows } : {},
  );
  return { report, paths };
}

/**
 * The run's files read, the job's template rendered, the mail laid out: what the report mail
 * (and the editor's preview, and a test) shows. `shareUrl` is asked for only when a mail is made.
 */
export async function composeRunMail(
  input: RunMailInput,
  opts: {
    preview: boolean;
    shareUrl: () => Promise<string | undefined>;
    maxRows?: number;
    /** Another language's mail of the same run: its tables, read once. */
    tables?: { report: ReportTables; paths: Map<number, string> };
    locale?: Locale;
  },
): Promise<{
  rendered: RenderedMail;
  report: ReportTables;
  html: string;
  text: string;
  paths: Map<number, string>;
}> {
  const { mail, job, run } = input;
  const locale = opts.locale ?? input.locale;
  const { report, paths } = opts.tables ?? (await readRunTables(input, opts.maxRows));
  const rendered = await renderReportMail({
    template: mail.body,
    subject: mail.subject.trim() ? mail.subject : undefined,
    report,
    job: { id: job.id, name: job.name },
    run: { id: run.id, scheduledAt: run.scheduledAt.toISOString(), attempt: run.attempt },
    date: run.scheduledAt,
    timeZone: job.timezone,
    locale,
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
        locale,
        jobName: job.name,
        date: localDate(run.scheduledAt, job.timezone),
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
  const text = `${job.name} · ${localDate(run.scheduledAt, job.timezone)}\n\n${rendered.text}\n\n${shareUrl ? `${shareUrl}\n` : ""}${runUrl}\n`;
  return { rendered, report, html, text, paths };
}

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
  const { mail, run } = input;
  if (!test && !mail.to.length) {
    // Rendered anyway: a template that fails still fails the run, as it would with recipients.
    const composed = await composeRunMail(input, { preview: false, shareUrl: async () => undefined });
    if (!composed.rendered.send) {
      return { sent: false, reason: composed.rendered.skipped ?? "no_email", rendered: composed.rendered };
    }
    return { sent: false, reason: "no_recipients", rendered: composed.rendered };
  }
  const groups: [Locale, Addressees][] = test
    ? [[input.locale, { to: [test.to], cc: [], bcc: [] }]]
    : await byLanguage(db, mail, input.locale);
  const tables = await readRunTables(input);
  let share: { url: string } | undefined;
  // Recipients usually have no account: the mail's button opens the report through a link,
  // made once for every language's mail. A test goes to a signed-in user: it opens the run.
  const shareUrl = async () => {
    if (test) return undefined;
    share ??= await createShare(db, null, { runId: run.id });
    return share.url;
  };
  let first: RenderedMail | undefined;
  let attachments: { filename: string; contentType: string; content: Buffer }[] = [];
  const outboxIds: number[] = [];
  for (const [locale, to] of groups) {
    const { rendered, html, text } = await composeRunMail(input, {
      preview: !!test,
      shareUrl,
      tables,
      locale,
    });
    if (!first) {
      first = rendered;
      if (!rendered.send) return { sent: false, reason: rendered.skipped ?? "no_email", rendered };
      attachments = await attachmentsOf(input, rendered, tables.paths);
    }
    const subject = rendered.subject || input.job.name;
    outboxIds.push(
      await sendMail(db, {
        kind: test ? "report-test" : "report",
        createdBy: test?.actor.id ?? null,
        ...to,
        subject: test ? translator(locale)("reports.mail.testSubject", { subject }) : subject,
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
    rendered: first as RenderedMail,
    shareUrl: share?.url,
  };
}

/** The files the template chose, as they are attached: each, or one zip above the size. */
async function attachmentsOf(input: RunMailInput, rendered: RenderedMail, paths: Map<number, string>) {
  const byName = new Map(input.files.map((f) => [f.name, f]));
  const chosen = rendered.attachments.files.map((f) => byName.get(f.name)).filter((f) => f !== undefined);
  const contents = await Promise.all(
    chosen.map(async (f) => ({ file: f, content: await readFile(paths.get(f.id) ?? "") })),
  );
  return rendered.attachments.zip
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
}
