/**
 * Reports: what a script job's files become in its mail (seed 000, email_center; issue 11).
 *
 *   a run's folder of files → readReportTables(files) → { files, tables, filename }
 *   → renderReportMail({ template, subject, report, job, run, date, … })
 *   → { send, subject, title, html (the body, for the React Email layout), text, attachments, warnings }
 *
 * Templates are Jinja2, rendered by nunjucks with autoescaping and the Python habits email_center
 * templates rely on (jinja.ts). `tables` holds `(sheet name, table)` pairs; a table prints as
 * pandas' `to_html(index=False)` did (`{{ t }}`) and offers the DataFrame accessors templates
 * use (dataframe.ts). `filename`, `job`, `run` and `date` complete the variables.
 *
 * Body flags — markers at the very start of the body (blank lines before them allowed):
 *   <%no_email%>      the run mails nothing (its failures still are: the caller's part).
 *   <%render_html%>   report tables appear in the body, each capped (100 rows × 20 columns by
 *                     default, `caps`) with a line saying the rest is in the attachment. If the
 *                     body names `tables`, it places them itself (and `{{ t }}` is capped);
 *                     otherwise every table is appended after the body under its sheet name.
 *   <%custom_render%> the body is a page: `{% block title %}…{% endblock %}` becomes the mail's
 *                     title (the layout's heading), `{% block body %}…{% endblock %}` its body,
 *                     and text outside the blocks is not shown (Jinja2's `extends` semantics;
 *                     the body may name its own `{% extends "…" %}`, any name means this page).
 *   Flags combine (`<%render_html%><%custom_render%>`); elsewhere in the body they are text.
 *
 * Bodies without a flag: email_center sent them verbatim. Kairos renders every body as a
 * template — one without `{{`, `{%` or `{#` renders to exactly itself, so old bodies are
 * unchanged, and `{{ filename }}` in a new one works without a flag. A body that does not parse
 * is refused when saved (checkTemplate), naming its line, so nothing changes silently at send
 * time; `{% raw %}…{% endraw %}` keeps literal braces. A body with no HTML tag is plain text:
 * its line breaks are kept as `<br>`.
 */
import "server-only";

export { SheetDate, SheetNumber } from "./cells";
export { checkTemplate, type TemplateCheck } from "./check";
export type { TableCaps, TemplateWarning } from "./dataframe";
export { BODY_FLAGS, type BodyFlag, parseBodyFlags, withBodyFlags } from "./flags";
export {
  DEFAULT_READ_OPTIONS,
  fileKind,
  type ReadOptions,
  type ReportFile,
  type ReportFileInput,
  type ReportTables,
  readReportTables,
} from "./read";
export {
  DEFAULT_RENDER_OPTIONS,
  type RenderedMail,
  type RenderMailInput,
  type RenderMailOptions,
  renderReportMail,
} from "./render";
export { ZCheckTemplateInput, ZReadOptions, ZRenderMailOptions, ZReportBody, ZReportSubject } from "./schema";
export { TEMPLATE_VARIABLES, TemplateProblem, undefinedNames } from "./template";
