"use client";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useFormatter, useTranslations } from "next-intl";
import { useEffect, useRef, useState } from "react";
import { TextAreaField } from "@/app/_components/field";
import { useTRPCClient } from "@/app/_components/trpc";
import type { TemplatePreview } from "@/server/reports/editor";
import type { ScriptMail } from "@/server/runs/modes/params";

/** The flags and variables as the server defines them (server/reports: flags.ts, template.ts). */
const FLAGS = ["no_email", "render_html", "custom_render"] as const;
const VARIABLES = [
  { name: "filename", snippet: "{{ filename }}" },
  { name: "tables", snippet: "{% for name, t in tables %}\n<h3>{{ name }}</h3>\n{{ t }}\n{% endfor %}" },
  { name: "job", snippet: "{{ job.name }}" },
  { name: "run", snippet: "{{ run.id }}" },
  { name: "date", snippet: "{{ date }}" },
] as const;
const LEADING_FLAGS = /^(\s*<%\s*[a-z_]+\s*%>)*/;

/** Waits until the value has stopped changing for `ms` (each keystroke restarts the wait). */
function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const id = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(id);
  }, [value, ms]);
  return settled;
}

/**
 * The report mail's body editor (issue 11; email_center listed its options in its body dialog):
 * insert buttons for the flags and variables, the names the template uses that nothing defines,
 * and a live preview rendered by the server against the last run's real report files.
 */
export function TemplateEditor({
  mail,
  setMail,
  errors,
  jobId,
  scriptId,
}: {
  mail: ScriptMail;
  setMail: (patch: Partial<ScriptMail>) => void;
  errors: string[] | undefined;
  jobId?: number;
  scriptId?: number;
}) {
  const t = useTranslations("reports");
  const client = useTRPCClient();
  const area = useRef<HTMLTextAreaElement>(null);
  const input = useDebounced(
    {
      jobId,
      scriptId: scriptId && scriptId > 0 ? scriptId : undefined,
      mail: {
        subject: mail.subject,
        body: mail.body,
        attach: mail.attach,
        zipAboveBytes: mail.zipAboveBytes,
        skipWhenEmpty: mail.skipWhenEmpty,
      },
    },
    400,
  );
  // Asked by POST (a template can be longer than a GET URL may be), cached like a query.
  const preview = useQuery({
    queryKey: ["reports.templates.preview", input],
    queryFn: () => client.reports.templates.preview.mutate(input),
    placeholderData: keepPreviousData,
    retry: false,
  });
  const p = preview.data;

  /** Puts text where the cursor is (flags: at the start, after the flags already there). */
  const insert = (snippet: string, atStart = false) => {
    const el = area.current;
    const body = mail.body;
    let at = el ? el.selectionStart : body.length;
    let end = el ? el.selectionEnd : body.length;
    if (atStart) {
      at = end = LEADING_FLAGS.exec(body)?.[0].length ?? 0;
    }
    const next = body.slice(0, at) + snippet + body.slice(end);
    setMail({ body: next });
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(at + snippet.length, at + snippet.length);
    });
  };

  const problems: { key: string; text: string }[] = [];
  if (p?.error) {
    const e = p.error;
    const where = e.part === "subject" ? t("editor.subjectPart") : t("editor.bodyPart");
    const text = e.line
      ? t(e.kind === "syntax" ? "template.syntax" : "template.render", {
          line: e.line,
          column: e.column ?? 1,
          detail: e.detail,
        })
      : t(e.kind === "syntax" ? "template.syntaxNoLine" : "template.renderNoLine", { detail: e.detail });
    problems.push({ key: "error", text: `${where}: ${text}` });
  }
  const seen = new Set<string>();
  for (const u of [...(p?.subject.undefinedNames ?? []), ...(p?.body.undefinedNames ?? [])]) {
    if (seen.has(u.name)) continue;
    seen.add(u.name);
    problems.push({ key: `u-${u.name}`, text: t("warnings.undefined", { name: u.name, line: u.line }) });
  }
  for (const w of p?.warnings ?? []) {
    if (w.kind === "undefined") continue;
    const values = Object.fromEntries(Object.entries(w).filter(([k]) => k !== "kind")) as Record<
      string,
      string | number
    >;
    problems.push({ key: JSON.stringify(w), text: t(`warnings.${w.kind}`, values) });
  }

  return (
    <div className="min-w-0 space-y-3 sm:col-span-2" data-testid="template-editor">
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <span className="text-xs font-medium text-gray-500 dark:text-gray-400">{t("editor.flagsTitle")}</span>
        {FLAGS.map((f) => (
          <button
            key={f}
            type="button"
            title={t(`flags.${f}`)}
            disabled={p?.body.flags.includes(f)}
            onClick={() => insert(`<%${f}%>\n`, true)}
            data-testid={`insert-flag-${f}`}
            className="min-h-9 rounded-md bg-amber-50 px-2 font-mono text-xs text-amber-900 ring-1 ring-amber-200 hover:bg-amber-100 disabled:opacity-50 dark:bg-amber-950/40 dark:text-amber-200 dark:ring-amber-900"
          >
            {`<%${f}%>`}
          </button>
        ))}
      </div>
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <span className="text-xs font-medium text-gray-500 dark:text-gray-400">
          {t("editor.variablesTitle")}
        </span>
        {VARIABLES.map((v) => (
          <button
            key={v.name}
            type="button"
            title={t(`variables.${v.name}`)}
            onClick={() => insert(v.snippet)}
            data-testid={`insert-var-${v.name}`}
            className="min-h-9 rounded-md bg-indigo-50 px-2 font-mono text-xs text-indigo-900 ring-1 ring-indigo-200 hover:bg-indigo-100 dark:bg-indigo-950/40 dark:text-indigo-200 dark:ring-indigo-900"
          >
            {v.name === "tables" ? `${t("editor.loopTables")}: tables` : v.snippet}
          </button>
        ))}
      </div>
      <TextAreaField
        id="p-mail-body"
        ref={area}
        label={t("script.body")}
        hint={t("script.bodyHint")}
        errors={errors}
        rows={10}
        controlClassName="font-mono text-xs"
        spellCheck={false}
        value={mail.body}
        onChange={(e) => setMail({ body: e.target.value })}
      />
      <div
        data-testid="template-problems"
        role="status"
        className={`rounded-lg px-3 py-2 text-sm ${problems.length ? "bg-amber-50 text-amber-900 ring-1 ring-amber-200 dark:bg-amber-950/40 dark:text-amber-100 dark:ring-amber-900" : "text-gray-500 dark:text-gray-400"}`}
      >
        {problems.length ? (
          <>
            <p className="font-medium">{t("editor.warningsTitle")}</p>
            <ul className="mt-1 list-disc space-y-0.5 pl-5">
              {problems.map((w) => (
                <li key={w.key} className="break-words">
                  {w.text}
                </li>
              ))}
            </ul>
          </>
        ) : p ? (
          t("editor.ok")
        ) : null}
      </div>
      <PreviewPane preview={p} loading={preview.isFetching} failed={preview.error?.message} />
    </div>
  );
}

function PreviewPane({
  preview: p,
  loading,
  failed,
}: {
  preview: TemplatePreview | undefined;
  loading: boolean;
  failed: string | undefined;
}) {
  const t = useTranslations("reports.editor");
  const format = useFormatter();
  return (
    <section className="rounded-xl ring-1 ring-gray-200 dark:ring-gray-800" data-testid="template-preview">
      <div className="flex flex-wrap items-center justify-between gap-2 border-b border-gray-200 px-3 py-2 dark:border-gray-800">
        <h4 className="text-sm font-semibold">{t("preview")}</h4>
        {loading && <span className="text-xs text-gray-500">{t("previewLoading")}</span>}
      </div>
      <div className="space-y-2 px-3 py-2 text-xs text-gray-600 dark:text-gray-400">
        {failed && <p className="text-red-600">{t("previewFailed", { error: failed })}</p>}
        {p &&
          (p.source ? (
            <p data-testid="preview-source">
              {t("previewFrom", {
                run: p.source.runId,
                job: p.source.jobName,
                files: p.source.files.join(", "),
                date: format.dateTime(new Date(p.source.scheduledAt), {
                  dateStyle: "medium",
                  timeStyle: "short",
                }),
              })}
            </p>
          ) : (
            <p data-testid="preview-source">{t("previewNoRun")}</p>
          ))}
        {p?.mail?.skipped && (
          <p className="rounded-md bg-sky-50 px-2 py-1 text-sky-900 dark:bg-sky-950/40 dark:text-sky-200">
            {p.mail.skipped === "no_email" ? t("skippedNoEmail") : t("skippedEmpty")}
          </p>
        )}
        {p?.mail && (
          <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1">
            <dt className="text-gray-500">{t("previewSubject")}</dt>
            <dd
              className="min-w-0 font-medium break-words text-gray-900 dark:text-gray-100"
              data-testid="preview-subject"
            >
              {p.mail.subject}
            </dd>
            <dt className="text-gray-500">{t("previewAttachments")}</dt>
            <dd className="min-w-0 break-words">
              {p.mail.attachments.length ? p.mail.attachments.join(", ") : t("previewNone")}
              {p.mail.zipName ? ` (${t("previewZip", { name: p.mail.zipName })})` : ""}
            </dd>
          </dl>
        )}
      </div>
      {p?.mail && (
        // The mail's own HTML, isolated: no scripts, no navigation, no access to this page.
        <iframe
          title={t("preview")}
          sandbox=""
          srcDoc={p.mail.html}
          className="h-[28rem] w-full rounded-b-xl border-0 bg-white"
          data-testid="preview-frame"
        />
      )}
    </section>
  );
}
