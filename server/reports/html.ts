/**
 * A table as HTML, the way pandas' `DataFrame.to_html()` writes it (same elements, attributes
 * and escaping: `<table border="1" class="dataframe">`, a right-aligned header row, `&`, `<`,
 * `>` escaped, `...` rows and columns for max_rows / max_cols), without the indentation, and
 * with the class `kairos-table` added so the mail wrapper can make wide tables scroll.
 *
 * Differences on purpose: cells show the sheet's text (pandas would reformat numbers and print
 * NaN for empty cells: pass `na_rep` for that), and a line break in a cell is a `<br>`.
 *
 * Written row by row into a Sink: each row one concatenated string, no array of millions of
 * pieces, no long-lived tree of small concatenations.
 */
import type { ReportTable } from "./table";

export const TABLE_CLASS = "kairos-table";

/** Where HTML is written: a string (small tables, `to_html()` as text) or UTF-8 bytes (the mail). */
export type Sink = { write(s: string): void };

export class StringSink implements Sink {
  private readonly parts: string[] = [];
  write(s: string): void {
    this.parts.push(s);
  }
  toString(): string {
    return this.parts.join("");
  }
}

/**
 * Writes UTF-8 into one growing buffer and decodes it once at the end: a 100,000-row table
 * costs its bytes once (Chinese text is 3 bytes a character here, 2 in a JavaScript string)
 * and never exists as thousands of intermediate strings.
 */
export class Utf8Sink implements Sink {
  private buf: Buffer;
  private used = 0;
  /** `expectedBytes`: an estimate; every outgrown buffer is garbage that stays resident a while. */
  constructor(expectedBytes = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(Math.max(1024, Math.ceil(expectedBytes)));
  }
  write(s: string): void {
    const need = this.used + s.length * 3;
    if (need > this.buf.length) {
      const next = Buffer.allocUnsafe(Math.max(need, this.buf.length * 2));
      this.buf.copy(next, 0, 0, this.used);
      this.buf = next;
    }
    this.used += this.buf.write(s, this.used, "utf8");
  }
  get byteLength(): number {
    return this.used;
  }
  toString(): string {
    const s = this.buf.toString("utf8", 0, this.used);
    this.buf = Buffer.alloc(0);
    return s;
  }
}

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
  const sink = new StringSink();
  writeTableHtml(t, o, sink);
  return sink.toString();
}

export function writeTableHtml(t: ReportTable, o: HtmlTableOptions, out: Sink): void {
  const classes = ["dataframe", ...o.classes, TABLE_CLASS].map(escapeAttr).join(" ");
  out.write("<table");
  if (o.border !== null) out.write(` border="${o.border}"`);
  out.write(` class="${classes}"`);
  if (o.tableId) out.write(` id="${escapeAttr(o.tableId)}"`);
  out.write(">");

  const colTrunc = truncate(o.cols.length, o.maxCols);
  const cols: number[] = [];
  for (let i = 0; i < colTrunc.head; i++) cols.push(o.cols[i] as number);
  const tailCols: number[] = [];
  for (let i = o.cols.length - colTrunc.tail; i < o.cols.length && colTrunc.cut; i++) {
    tailCols.push(o.cols[i] as number);
  }
  const text = (s: string) => (o.escape ? escapeCell(s) : s);

  if (o.header) {
    out.write(`<thead><tr style="text-align: ${escapeAttr(o.justify ?? "right")};">`);
    if (o.index) out.write("<th></th>");
    for (const c of cols) out.write(`<th>${text(t.columns[c] as string)}</th>`);
    if (colTrunc.cut) {
      out.write("<th>...</th>");
      for (const c of tailCols) out.write(`<th>${text(t.columns[c] as string)}</th>`);
    }
    out.write("</tr></thead>");
  }

  out.write("<tbody>");
  const rows = rowList(o.rows);
  const rowTrunc = truncate(rows.count, o.maxRows);
  const naRep = o.escape ? escapeCell(o.naRep) : o.naRep;
  const columns = cols.map((c) => t.columnText(c));
  const tailColumns = tailCols.map((c) => t.columnText(c));
  const cell = (s: string | undefined) =>
    s === undefined || s === "" ? naRep : o.escape ? escapeCell(s) : s;
  // A row is one concatenated string, written at once.
  const writeRow = (i: number) => {
    const r = rows.at(i);
    let s = o.index ? `<tr><th>${r}</th>` : "<tr>";
    for (let k = 0; k < columns.length; k++)
      s += `<td>${cell((columns[k] as (r: number) => string)(r))}</td>`;
    if (colTrunc.cut) {
      s += "<td>...</td>";
      for (let k = 0; k < tailColumns.length; k++) {
        s += `<td>${cell((tailColumns[k] as (r: number) => string)(r))}</td>`;
      }
    }
    out.write(`${s}</tr>`);
  };
  for (let i = 0; i < rowTrunc.head; i++) writeRow(i);
  if (rowTrunc.cut) {
    let s = o.index ? "<tr><th>...</th>" : "<tr>";
    const n = cols.length + (colTrunc.cut ? 1 + tailCols.length : 0);
    for (let k = 0; k < n; k++) s += "<td>...</td>";
    out.write(`${s}</tr>`);
    for (let i = rows.count - rowTrunc.tail; i < rows.count; i++) writeRow(i);
  }
  out.write("</tbody></table>");
  if (o.showDimensions) out.write(`<p>${rows.count} rows × ${o.cols.length} columns</p>`);
}
