/**
 * A run's report → its mail: subject, body HTML (to be wrapped by the React Email layout), the
 * plain-text alternative, which files to attach, and whether to send at all.
 */
import "server-only";
import path from "node:path";
import { DEFAULT_LOCALE, type Locale } from "../i18n/locale";
import { translator } from "../i18n/messages";
import { localDate, wallClock } from "../lib/local-time";
import { SheetDate } from "./cells";
import {
  type CapNote,
  DataFrame,
  type FrameContext,
  type TableCaps,
  type TablePrint,
  type TemplateWarning,
} from "./dataframe";
import { type BodyFlag, parseBodyFlags } from "./flags";
import { escapeCell, Utf8Sink } from "./html";
import type { ReportFile, ReportTables } from "./read";
import {
  compileTemplate,
  escapeTemplateText,
  hasExtends,
  PAGE_NAME,
  splitPage,
  TemplateProblem,
  undefinedNames,
  usesName,
} from "./template";
import { alignedText, mailText } from "./text";

export type AttachMode = { mode: "all" } | { mode: "none" } | { mode: "pattern"; pattern: string };

export type RenderMailOptions = {
  /** `<%render_html%>` caps per table. */
  caps: TableCaps;
  /** Rows per table in the plain-text alternative. */
  textMaxRows: number;
  /** Do not send when the report has tables and every one is empty. */
  skipWhenEmpty: boolean;
  attach: AttachMode;
  /** Attach one zip instead when the attachments weigh more than this (null: never). */
  zipAboveBytes: number | null;
  /** Render even under `<%no_email%>` (the editor's preview). */
  preview: boolean;
};

export const DEFAULT_RENDER_OPTIONS: RenderMailOptions = {
  caps: { maxRows: 100, maxCols: 20 },
  textMaxRows: 100,
  skipWhenEmpty: false,
  attach: { mode: "all" },
  zipAboveBytes: 20 * 1024 * 1024,
  preview: false,
};

export type RenderMailInput = {
  /** The body as written: optional flags, then a Jinja2 template. */
  template: string;
  /** A plain-text Jinja2 template; default "{job} — {date}". */
  subject?: string;
  report: ReportTables;
  job: { name: string } & Record<string, unknown>;
  run?: Record<string, unknown>;
  /** The run's scheduled instant; `date` is its calendar day in `timeZone`. */
  date: Date;
  timeZone?: string;
  locale?: Locale;
  options?: Partial<RenderMailOptions>;
};

export type AttachmentPlan = {
  files: ReportFile[];
  totalBytes: number;
  zip: boolean;
  zipName?: string;
};

export type RenderedMail = {
  send: boolean;
  skipped?: "no_email" | "empty";
  flags: BodyFlag[];
  subject: string;
  /** `<%custom_render%>`'s title block ("" otherwise). */
  title: string;
  html: string;
  text: string;
  attachments: AttachmentPlan;
  warnings: TemplateWarning[];
};

/** The run's calendar day (and time) in the job's zone, printed as YYYY-MM-DD. */
export function runDate(instant: Date, timeZone = "UTC"): SheetDate {
  const w = wallClock(instant, timeZone);
  return SheetDate.fromFields(
    w.year,
    w.month,
    w.day,
    w.hour,
    w.minute,
    w.second,
    localDate(instant, timeZone),
  );
}

/** `*.xlsx, sales_*.csv` → does the name match one of them (`*`, `?`; case-insensitive). */
export function matchesPattern(name: string, pattern: string): boolean {
  return pattern
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean)
    .some((p) => {
      const re = p
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".");
      return new RegExp(`^${re}$`, "i").test(name);
    });
}

export function planAttachments(
  files: readonly ReportFile[],
  attach: AttachMode,
  zipAboveBytes: number | null,
  zipStem: string,
): AttachmentPlan {
  const chosen =
    attach.mode === "none"
      ? []
      : attach.mode === "all"
        ? [...files]
        : files.filter((f) => matchesPattern(f.name, attach.pattern));
  const totalBytes = chosen.reduce((a, f) => a + f.size, 0);
  const zip = zipAboveBytes !== null && chosen.length > 0 && totalBytes > zipAboveBytes;
  const safeStem = zipStem.replace(/[\\/:*?"<>|]+/g, "_") || "report";
  return { files: chosen, totalBytes, zip, zipName: zip ? `${safeStem}.zip` : undefined };
}

const HTML_TAG = /<\/?[a-zA-Z][\w:-]*(?:\s[^<>]*)?\/?>/;

/**
 * Renders a run's mail.
 *
 * Bodies without a flag are rendered as Jinja2 templates too: a body without `{{`, `{%` or `{#`
 * renders to itself, so email_center's verbatim bodies are unchanged, and one that uses the
 * variables works as its author expects. A body with no HTML tags is plain text: its line breaks
 * are kept (`<br>`), as they would be in a text mail. Throws TemplateProblem (with `part`) when
 * the subject or body does not parse or fails to render.
 */
export async function renderReportMail(input: RenderMailInput): Promise<RenderedMail> {
  const opts: RenderMailOptions = { ...DEFAULT_RENDER_OPTIONS, ...input.options };
  const locale = input.locale ?? DEFAULT_LOCALE;
  const t = translator(locale);
  const { flags, template } = parseBodyFlags(input.template);
  const report = input.report;
  const warnings: TemplateWarning[] = [];
  const seen = new Set<string>();
  const warn = (w: TemplateWarning) => {
    const key = JSON.stringify(w);
    if (!seen.has(key)) {
      seen.add(key);
      warnings.push(w);
    }
  };
  for (const f of report.files) if (f.problem) warn({ kind: "file", name: f.name, problem: f.problem });
  for (const [, table] of report.tables) {
    if (table.truncated) {
      warn({ kind: "truncated", table: table.name, keptRows: table.rowCount, totalRows: table.totalRows });
    }
  }

  const date = runDate(input.date, input.timeZone);
  const attachments = planAttachments(
    report.files,
    opts.attach,
    opts.zipAboveBytes,
    report.filename || input.job.name,
  );
  const fileOf = (n: CapNote) => n.table.file;
  const note = (n: CapNote) => {
    const values = {
      shownRows: n.shownRows,
      totalRows: n.totalRows,
      shownCols: n.shownCols,
      totalCols: n.totalCols,
      file: path.basename(fileOf(n)),
    };
    const rowsCut = n.shownRows < n.totalRows;
    const colsCut = n.shownCols < n.totalCols;
    const key = rowsCut && colsCut ? "cappedBoth" : rowsCut ? "cappedRows" : "cappedCols";
    return `<p class="kairos-table-note">${escapeCell(t(`reports.mail.${key}`, values))}</p>`;
  };
  const prints: TablePrint[] = [];
  const frameCtx: FrameContext = {
    caps: flags.includes("render_html") ? opts.caps : undefined,
    note,
    warn,
    print: (p) => {
      prints.push(p);
      return `\ue000kairos-table:${prints.length - 1}\ue001`;
    },
  };
  const context = {
    filename: report.filename,
    tables: report.tables.map(([name, table]) => [name, new DataFrame(table, frameCtx)]),
    job: input.job,
    run: input.run ?? {},
    date,
  };

  const subjectSource =
    input.subject ?? t("reports.mail.defaultSubject", { job: "{{ job.name }}", date: "{{ date }}" });
  const subject = withPart("subject", () =>
    compileTemplate(subjectSource, "text", "subject")
      .render(context)
      .replace(PLACEHOLDER, "")
      .replace(/\s+/g, " ")
      .trim(),
  );

  const base = { flags, subject, title: "", attachments, warnings };
  if (flags.includes("no_email") && !opts.preview) {
    return { ...base, send: false, skipped: "no_email", html: "", text: "" };
  }
  if (
    opts.skipWhenEmpty &&
    !opts.preview &&
    report.tables.length > 0 &&
    report.tables.every(([, table]) => table.totalRows === 0)
  ) {
    return { ...base, send: false, skipped: "empty", html: "", text: "" };
  }

  const isPage = flags.includes("custom_render");
  const isPlainText = !HTML_TAG.test(template);
  // A page's own {% extends %} may name any parent; without one it extends the mail page. The
  // tag goes at the end so that line numbers in errors still match the body as written.
  const source = withPart("body", () => {
    const body = isPlainText ? escapeTemplateText(template) : template;
    return isPage && !hasExtends(template) ? `${body}{% extends "${PAGE_NAME}" %}` : body;
  });
  const compiled = withPart("body", () => compileTemplate(source, "html", "body"));
  for (const u of undefinedNames(template)) warn({ kind: "undefined", ...u });

  let output = withPart("body", () => compiled.render(context));
  let title = "";
  if (isPage) {
    const page = splitPage(output);
    title = page.title;
    output = page.body;
  }
  if (isPlainText) output = output.trim().replace(/\r?\n/g, "<br>\n");
  if (flags.includes("render_html") && !usesName(template, "tables")) {
    const shown = context.tables.map(
      ([name, frame]) =>
        `<h3 class="kairos-table-title">${escapeCell(String(name))}</h3>${(frame as DataFrame).printed()}`,
    );
    output = output ? `${output}\n${shown.join("\n")}` : shown.join("\n");
  }

  const text = await mailText(
    output,
    PLACEHOLDER,
    prints.map((p) => {
      const shown = frameCtx.caps ? Math.min(p.frame.rowCount, frameCtx.caps.maxRows) : p.frame.rowCount;
      const inText = Math.min(shown, opts.textMaxRows);
      const more = p.frame.fileRowCount - inText;
      const table = alignedText(p.frame.cellTexts(inText, p.options, p.cols));
      return more > 0 ? `${table}\n${t("reports.mail.textMoreRows", { count: more })}` : table;
    }),
  );
  return { ...base, title, send: true, html: assemble(output, prints), text };
}

/** Private-use characters around a printed table's number: no report or template text has them. */
const PLACEHOLDER = /\ue000kairos-table:(\d+)\ue001/g;

/** The body's bytes: its text, and each printed table written in where its placeholder is. */
function assemble(output: string, prints: readonly TablePrint[]): string {
  if (!prints.length) return output;
  const matches = [...output.matchAll(PLACEHOLDER)];
  let expected = Buffer.byteLength(output);
  for (const m of matches) {
    const p = prints[Number(m[1])];
    if (p) expected += p.frame.estimateHtmlBytes(p.options, p.cols);
  }
  const sink = new Utf8Sink(expected);
  let at = 0;
  for (const m of matches) {
    sink.write(output.slice(at, m.index));
    const p = prints[Number(m[1])];
    if (p) p.frame.writeHtml(sink, p.options, p.cols);
    at = m.index + m[0].length;
  }
  sink.write(output.slice(at));
  return sink.toString();
}

/** Tags template problems with the part they come from (subject or body). */
function withPart<T>(part: "subject" | "body", f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof TemplateProblem) e.part = part;
    throw e;
  }
}
