/**
 * A table as HTML, the way pandas' `DataFrame.to_html()` writes it (same elements, attributes
 * and escaping: `<table border="1" class="dataframe">`, a right-aligned header row, `&`, `<`,
 * `>` escaped, `...` rows and columns for max_rows / max_cols), without the indentation, and
 * with the class `kairos-table` added so the mail wrapper can make wide tables scroll.
 *
 * Differences on purpose: cells show the sheet's text (pandas would reformat numbers and print
 * NaN for empty cells: pass `na_rep` for that), and a line break in a cell is a `<br>`.
 *
 * Built from arrays of pieces joined in chunks: no per-row string concatenation (the cons
 * strings of a 100,000-row table would weigh more than the table), no array of millions.
 */
import type { ReportTable } from "./table";

export const TABLE_CLASS = "kairos-table";

export type HtmlTableOptions = {
  /** pandas' default for to_html() is true; `{{ t }}` (what email_center printed) is false. */
  index: boolean;
  header: boolean;
  naRep: string;
  /** Extra classes after "dataframe". */
  classes: string[];
  /** null → no border attribute (pandas' border=0/False). */
  border: number | null;
  tableId?: string;
  justify?: string;
  escape: boolean;
  /** pandas-style truncation: the first and last max_rows/2 rows around a "..." row. */
  maxRows?: number;
  maxCols?: number;
  showDimensions: boolean;
  /** Subset and order of columns (indexes into the table). */
  cols: readonly number[];
  /** Rows (indexes into the table), or a range [start, end). */
  rows: readonly number[] | { start: number; end: number };
};

const ESCAPABLE = /[&<>\n\r]/;
const ESCAPE_ALL = /[&<>]|\r?\n|\r/g;
const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  "\n": "<br>",
  "\r\n": "<br>",
  "\r": "<br>",
};

/** pandas escapes &, < and > in cells (not quotes); a line break becomes <br>. */
export function escapeCell(s: string): string {
  return ESCAPABLE.test(s) ? s.replace(ESCAPE_ALL, (m) => ESCAPES[m] as string) : s;
}

const escapeAttr = (s: string) =>
  s.replace(/[&<>"]/g, (m) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[m] as string);

const PIECES_PER_CHUNK = 50_000;

function rowList(rows: HtmlTableOptions["rows"]): { count: number; at: (i: number) => number } {
  if (Array.isArray(rows)) {
    const list = rows as readonly number[];
    return { count: list.length, at: (i) => list[i] as number };
  }
  const range = rows as { start: number; end: number };
  return { count: Math.max(0, range.end - range.start), at: (i) => range.start + i };
}

/** Positions kept by pandas' truncation: the first ⌊max/2⌋ and the last ⌊max/2⌋, with a gap. */
function truncate(count: number, max: number | undefined): { head: number; tail: number; cut: boolean } {
  if (max === undefined || max <= 0 || count <= max) return { head: count, tail: 0, cut: false };
  const half = Math.max(1, Math.floor(max / 2));
  return { head: half, tail: half, cut: true };
}

export function tableHtml(t: ReportTable, o: HtmlTableOptions): string {
  const chunks: string[] = [];
  const out: string[] = [];
  const classes = ["dataframe", ...o.classes, TABLE_CLASS].map(escapeAttr).join(" ");
  out.push("<table");
  if (o.border !== null) out.push(` border="${o.border}"`);
  out.push(` class="${classes}"`);
  if (o.tableId) out.push(` id="${escapeAttr(o.tableId)}"`);
  out.push(">");

  const colTrunc = truncate(o.cols.length, o.maxCols);
  const cols: number[] = [];
  for (let i = 0; i < colTrunc.head; i++) cols.push(o.cols[i] as number);
  const tailCols: number[] = [];
  for (let i = o.cols.length - colTrunc.tail; i < o.cols.length && colTrunc.cut; i++) {
    tailCols.push(o.cols[i] as number);
  }
  const text = (s: string) => (o.escape ? escapeCell(s) : s);

  if (o.header) {
    out.push(`<thead><tr style="text-align: ${escapeAttr(o.justify ?? "right")};">`);
    if (o.index) out.push("<th></th>");
    for (const c of cols) out.push("<th>", text(t.columns[c] as string), "</th>");
    if (colTrunc.cut) {
      out.push("<th>...</th>");
      for (const c of tailCols) out.push("<th>", text(t.columns[c] as string), "</th>");
    }
    out.push("</tr></thead>");
  }

  out.push("<tbody>");
  const rows = rowList(o.rows);
  const rowTrunc = truncate(rows.count, o.maxRows);
  const naRep = o.escape ? escapeCell(o.naRep) : o.naRep;
  const data = t.data;
  const writeRow = (i: number) => {
    const r = rows.at(i);
    out.push("<tr>");
    if (o.index) out.push("<th>", String(r), "</th>");
    for (let k = 0; k < cols.length; k++) {
      const s = (data[cols[k] as number] as { text: string[] }).text[r] ?? "";
      out.push("<td>", s === "" ? naRep : o.escape ? escapeCell(s) : s, "</td>");
    }
    if (colTrunc.cut) {
      out.push("<td>...</td>");
      for (const c of tailCols) {
        const s = (data[c] as { text: string[] }).text[r] ?? "";
        out.push("<td>", s === "" ? naRep : o.escape ? escapeCell(s) : s, "</td>");
      }
    }
    out.push("</tr>");
    if (out.length > PIECES_PER_CHUNK) {
      chunks.push(out.join(""));
      out.length = 0;
    }
  };
  for (let i = 0; i < rowTrunc.head; i++) writeRow(i);
  if (rowTrunc.cut) {
    out.push("<tr>");
    if (o.index) out.push("<th>...</th>");
    const n = cols.length + (colTrunc.cut ? 1 + tailCols.length : 0);
    for (let k = 0; k < n; k++) out.push("<td>...</td>");
    out.push("</tr>");
    for (let i = rows.count - rowTrunc.tail; i < rows.count; i++) writeRow(i);
  }
  out.push("</tbody></table>");
  if (o.showDimensions) out.push(`<p>${rows.count} rows × ${o.cols.length} columns</p>`);
  chunks.push(out.join(""));
  return chunks.length === 1 ? (chunks[0] as string) : chunks.join("");
}
