/**
 * The plain-text alternative of a report mail: the body's own text (by html-to-text, loaded only
 * when the body has markup of its own), and each printed table as aligned columns cut to its
 * first rows, with a line saying how many more the attachment holds. Mail clients show the HTML
 * part; the text part is for the few that cannot and for filters — it need not carry 100,000 rows.
 */
import type { HtmlToTextOptions } from "html-to-text";
import { displayWidth } from "../lib/text-width";

const BODY_OPTIONS: HtmlToTextOptions = {
  wordwrap: false,
  // Headings keep their case (html-to-text shouts them by default; sheet names are data).
  selectors: ["h1", "h2", "h3", "h4", "h5", "h6"].map((selector) => ({
    selector,
    options: { uppercase: false },
  })),
};

let converter: Promise<typeof import("html-to-text")> | undefined;
const htmlToText = () => {
  converter ??= import("html-to-text");
  return converter;
};

const MAX_CELL = 40;

/** Rows of cell texts (the header first) as columns aligned by display width (中文 is two wide). */
export function alignedText(rows: readonly (readonly string[])[]): string {
  const cut = rows.map((r) =>
    r.map((c) => (c.length > MAX_CELL ? `${c.slice(0, MAX_CELL - 1)}…` : c).replace(/\s+/g, " ")),
  );
  const widths: number[] = [];
  for (const r of cut) {
    r.forEach((c, i) => {
      widths[i] = Math.max(widths[i] ?? 0, displayWidth(c));
    });
  }
  return cut
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : c + " ".repeat((widths[i] ?? 0) - displayWidth(c) + 2)))
        .join("")
        .trimEnd(),
    )
    .join("\n");
}

const TAG = /<[a-zA-Z/!][^>]*>|&[#a-zA-Z0-9]+;/;
const unescapeHtml = (s: string) =>
  s.replace(
    /&(lt|gt|amp|quot|#39);/g,
    (_m, e: string) => ({ lt: "<", gt: ">", amp: "&", quot: '"', "#39": "'" })[e] as string,
  );

/**
 * `body` is the rendered body with placeholders (matched by `marker`, group 1 the table's
 * number) where tables stand; `tables[i]` is that table's text.
 */
export async function mailText(body: string, marker: RegExp, tables: readonly string[]): Promise<string> {
  const marked = body.replace(marker, (_m, i: string) => `\n[[kairos-table-${i}]]\n`);
  let text: string;
  if (TAG.test(marked)) {
    const { convert } = await htmlToText();
    text = convert(marked.replace(/\n(\[\[kairos-table-\d+\]\])\n/g, "<p>$1</p>"), BODY_OPTIONS);
  } else {
    text = unescapeHtml(marked);
  }
  return text
    .replace(/\[\[kairos-table-(\d+)\]\]/g, (_m, i: string) => tables[Number(i)] ?? "")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}
