/**
 * The plain-text alternative of a report mail, by html-to-text: the body's own text, and each
 * printed table as aligned columns, cut to its first rows with a line saying how many more the
 * attachment holds. Mail clients show the HTML part; the text part is for the few that cannot
 * and for filters — it need not carry 100,000 rows.
 */
import type { HtmlToTextOptions } from "html-to-text";

const HEADINGS = ["h1", "h2", "h3", "h4", "h5", "h6"].map((selector) => ({
  selector,
  // Headings keep their case (html-to-text shouts them by default; sheet names are data).
  options: { uppercase: false },
}));

const BODY_OPTIONS: HtmlToTextOptions = { wordwrap: false, selectors: HEADINGS };
const TABLE_OPTIONS: HtmlToTextOptions = {
  wordwrap: false,
  selectors: [
    {
      selector: "table",
      format: "dataTable",
      options: { uppercaseHeaderCells: false, maxColumnWidth: 40, colSpacing: 2 },
    },
    ...HEADINGS,
  ],
};

let converter: Promise<typeof import("html-to-text")> | undefined;
/** Loaded on first use: the library is only needed when a mail is rendered. */
const htmlToText = () => {
  converter ??= import("html-to-text");
  return converter;
};

/**
 * `body` is the rendered body with `marker(i)` where table i stands; `tables[i]` is that
 * table's HTML, already cut to the rows the text should show, and `more[i]` the line to add.
 */
export async function mailText(
  body: string,
  marker: RegExp,
  tables: { html: string; more?: string }[],
): Promise<string> {
  const { convert } = await htmlToText();
  const texts = tables.map((t) => {
    const text = convert(t.html, TABLE_OPTIONS);
    return t.more ? `${text}\n${t.more}` : text;
  });
  const marked = body.replace(marker, (_m, i: string) => `<p>[[kairos-table-${i}]]</p>`);
  return convert(marked, BODY_OPTIONS)
    .replace(/\[\[kairos-table-(\d+)\]\]/g, (_m, i: string) => texts[Number(i)] ?? "")
    .trim();
}
