/**
 * The plain-text alternative of a report mail. html-to-text (through React Email's
 * `toPlainText`) converts the body, except the report tables Kairos printed (class
 * `kairos-table`): a 100,000-row table is cut to its first rows before conversion, with a line
 * saying how many more rows the attachment holds. Mail clients show the HTML part; the text
 * part is for the few that cannot, and for filters — it need not carry every row.
 */
import { toPlainText } from "@react-email/render";
import { TABLE_CLASS } from "./html";

const TABLE_SELECTORS = [
  {
    selector: "table",
    format: "dataTable",
    options: { uppercaseHeaderCells: false, maxColumnWidth: 40, colSpacing: 2 },
  },
];

/** Headings keep their case (html-to-text shouts them by default; sheet names are data). */
const HEADING_SELECTORS = ["h1", "h2", "h3", "h4", "h5", "h6"].map((selector) => ({
  selector,
  options: { uppercase: false },
}));

/** The HTML of our table with only its first `maxRows` body rows, and how many were left out. */
function cutTable(html: string, maxRows: number): { html: string; more: number } {
  const bodyAt = html.indexOf("<tbody>");
  if (bodyAt < 0) return { html, more: 0 };
  let at = bodyAt;
  let kept = 0;
  while (kept < maxRows) {
    const next = html.indexOf("</tr>", at);
    if (next < 0) return { html, more: 0 };
    at = next + 5;
    kept++;
  }
  let more = 0;
  for (let i = html.indexOf("<tr>", at); i >= 0; i = html.indexOf("<tr>", i + 4)) more++;
  return more ? { html: `${html.slice(0, at)}</tbody></table>`, more } : { html, more: 0 };
}

export function mailText(
  html: string,
  opts: { maxRows: number; moreRows: (count: number) => string },
): string {
  const parts: string[] = [];
  const tables: string[] = [];
  let from = 0;
  for (;;) {
    // Our tables' class attribute ends with the marker (titles and notes have longer classes).
    const mark = html.indexOf(`${TABLE_CLASS}"`, from);
    if (mark < 0) break;
    const start = html.lastIndexOf("<table", mark);
    const end = html.indexOf("</table>", mark);
    if (start < from || end < 0) {
      from = mark + TABLE_CLASS.length + 1;
      continue;
    }
    const cut = cutTable(html.slice(start, end + 8), opts.maxRows);
    let text = toPlainText(cut.html, { selectors: TABLE_SELECTORS, wordwrap: false });
    if (cut.more) text += `\n${opts.moreRows(cut.more)}`;
    parts.push(html.slice(from, start), `<p>[[kairos-table-${tables.length}]]</p>`);
    tables.push(text);
    from = end + 8;
  }
  parts.push(html.slice(from));
  const text = toPlainText(parts.join(""), { wordwrap: false, selectors: HEADING_SELECTORS });
  return text.replace(/\[\[kairos-table-(\d+)\]\]/g, (_m, i: string) => tables[Number(i)] ?? "").trim();
}
