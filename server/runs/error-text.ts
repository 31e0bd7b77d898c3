/**
 * A run's error as its reader's language says it. Runs store their error as English text (logs,
 * the API and the CLI read it as is); the texts Kairos itself writes are known here by shape,
 * so pages and mails can show them from their catalog key (issue 10). Anything else (a
 * program's own message) is shown as written.
 */
import { type ErrorKey, type MsgParams, renderMsg } from "../i18n/errors";
import type { Locale } from "../i18n/locale";
import { templateDetailMsg } from "../reports/template-errors";

const SHAPES: [RegExp, ErrorKey, (m: RegExpExecArray) => MsgParams][] = [
  [/^job stopped$/, "run.jobStopped", () => ({})],
  [/^job deleted$/, "run.jobDeleted", () => ({})],
  [/^timed out after ([\d.]+) s$/, "run.timedOut", (m) => ({ s: m[1] ?? "" })],
  [/^worker (\S+) shut down$/, "run.workerShutDown", (m) => ({ worker: m[1] ?? "" })],
  [/^worker (\S+) stopped heartbeating$/, "run.heartbeat", (m) => ({ worker: m[1] ?? "" })],
  [
    /^unknown function (\S+) \(known: (.*)\)$/s,
    "run.unknownFunction",
    (m) => ({ name: m[1] ?? "", known: m[2] ?? "" }),
  ],
  [/^exit code 127 \(command not found\)$/, "run.commandNotFound", () => ({})],
  [/^exit code (-?\d+)$/, "run.exitCode", (m) => ({ code: m[1] ?? "" })],
  [/^killed by (\S+)$/, "run.killedBy", (m) => ({ signal: m[1] ?? "" })],
  [/^killed \((.*)\)$/, "run.killedFor", (m) => ({ why: m[1] ?? "" })],
  [/^aborted$/, "run.aborted", () => ({})],
  [/^no report file: the script wrote nothing in its output folder$/, "run.noReport", () => ({})],
  [/^script version #(\d+) does not exist$/, "run.scriptMissing", (m) => ({ id: m[1] ?? "" })],
  [/^(\w+) jobs cannot run yet$/, "run.cannotRunYet", (m) => ({ mode: m[1] ?? "" })],
  [/^invalid parameters: (.*)$/s, "run.invalidParams", (m) => ({ detail: m[1] ?? "" })],
  [/^site (\S+) does not exist$/, "run.siteMissing", (m) => ({ site: m[1] ?? "" })],
  [
    /^site (\S+) has no base URL to pull from \(it may push instead\)$/,
    "run.siteNoBaseUrl",
    (m) => ({ site: m[1] ?? "" }),
  ],
  [/^HTTP (\d+) from (\S+)$/, "run.httpFrom", (m) => ({ status: m[1] ?? "", url: m[2] ?? "" })],
  // A report mail's template (TemplateProblem's text, under the part it came from).
  [
    /^template \((body|subject)\) error: template (syntax error|error) on line (\d+), column (\d+): (.*)$/s,
    "run.templateAt",
    (m) => templateParams(m[1], m[2], m[5], { line: m[3] ?? "", column: m[4] ?? "" }),
  ],
  [
    /^template \((body|subject)\) error: template (syntax error|error) on line (\d+): (.*)$/s,
    "run.templateLine",
    (m) => templateParams(m[1], m[2], m[4], { line: m[3] ?? "" }),
  ],
  [
    /^template \((body|subject)\) error: template (syntax error|error): (.*)$/s,
    "run.template",
    (m) => templateParams(m[1], m[2], m[3], {}),
  ],
];

function templateParams(
  part: string | undefined,
  kind: string | undefined,
  detail: string | undefined,
  at: MsgParams,
): MsgParams {
  return {
    part: `errors.run.part.${part === "subject" ? "subject" : "body"}`,
    detail: templateDetailMsg(detail ?? "", kind === "syntax error" ? "syntax" : "render"),
    ...at,
  };
}

function known(error: string, locale: Locale): string | null {
  for (const [re, key, params] of SHAPES) {
    const m = re.exec(error);
    if (m) return renderMsg({ key, params: params(m) }, locale);
  }
  return null;
}

export function runErrorText(error: string | null, locale: Locale): string | null {
  if (!error || locale === "en") return error;
  const whole = known(error, locale);
  if (whole) return whole;
  // A site pull's failures, one per file: "system_info_….txt: HTTP 404 from …; …".
  const parts = error.split("; ").map((p) => /^([\w.-]+\.txt): (.*)$/s.exec(p));
  if (parts.every((m) => m)) {
    const sep = locale === "zh-CN" ? "；" : "; ";
    const colon = locale === "zh-CN" ? "：" : ": ";
    return parts.map((m) => `${m?.[1]}${colon}${known(m?.[2] ?? "", locale) ?? m?.[2]}`).join(sep);
  }
  return error;
}
