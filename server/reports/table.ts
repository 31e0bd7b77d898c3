/**
 * A report table held column by column, with no object per cell: per column the text of its
 * text cells (repeated strings stored once) and, for spreadsheet columns, the number behind each
 * number, date or boolean cell with the index of its number format — the text a sheet shows for
 * a number ("43,325.28", "9.50%", "2024-01-05") is made when it is printed, not kept. Values for
 * templates (`SheetNumber`, `SheetDate`) are made only when a template asks for them.
 */
import { csvCellValue, SheetDate, SheetNumber, serialToUtcMs } from "./cells";

/** What a spreadsheet cell holds beyond its text. */
export const KIND_TEXT = 0;
export const KIND_NUMBER = 1;
export const KIND_DATE = 2;
export const KIND_BOOL = 3;

export type Column = {
  /** Text cells' text; "" for empty cells and for cells with a number (see `num`). */
  text: string[];
  /** Spreadsheets: the number behind a cell (a date's serial day, 1/0 for booleans), else NaN. */
  num?: Float64Array;
  /** Spreadsheets: the cell's number format (index into the table's `formats`). */
  fmt?: Uint16Array;
  /** Spreadsheets: KIND_* per cell, present once the column holds a date or a boolean. */
  kind?: Uint8Array;
};

function grown<T extends Float64Array | Uint16Array | Uint8Array>(a: T, need: number): T {
  if (need <= a.length) return a;
  const next = new (a.constructor as new (n: number) => T)(Math.max(need, a.length * 2));
  next.set(a);
  return next;
}

export type NumberFormatter = (n: number) => string;

/** Repeated values (regions, statuses) are stored once; a column stops sharing when it is mostly unique. */
const INTERN_LIMIT = 4096;

export class ReportTable {
  readonly columns: string[] = [];
  readonly data: Column[] = [];
  /** Number formats of spreadsheet cells (shared by a workbook's sheets). */
  formats: NumberFormatter[] = [];
  /** Rows kept in memory (≤ the reader's cap). */
  rowCount = 0;
  /** Data rows in the sheet, kept or not. */
  totalRows = 0;
  private interned: (Map<string, string> | null)[] = [];
  /**
   * Rows expected (the reader's estimate): columns are made this long up front, so a 100,000-row
   * table does not leave a trail of outgrown arrays for the garbage collector.
   */
  private capacity = 0;

  constructor(
    /** The sheet name (a CSV's file name without extension). */
    readonly name: string,
    /** The report file it was read from. */
    readonly file: string,
    readonly source: "csv" | "xlsx",
  ) {}

  get width(): number {
    return this.columns.length;
  }

  get truncated(): boolean {
    return this.totalRows > this.rowCount;
  }

  reserve(rows: number): void {
    this.capacity = Math.max(this.capacity, Math.min(rows, 10_000_000));
  }

  /** Header names as pandas makes them: empty → "Unnamed: i", repeats → "name.1". */
  setHeader(names: readonly string[]): void {
    for (const n of names) this.addColumn(n);
  }

  addColumn(raw: string): number {
    const i = this.columns.length;
    let name = raw === "" ? `Unnamed: ${i}` : raw;
    if (this.columns.includes(name)) {
      let k = 1;
      while (this.columns.includes(`${name}.${k}`)) k++;
      name = `${name}.${k}`;
    }
    this.columns.push(name);
    const text = new Array<string>(Math.max(this.capacity, this.rowCount));
    for (let r = 0; r < this.rowCount; r++) text[r] = "";
    this.data.push({ text });
    this.interned.push(new Map());
    return i;
  }

  /** Shares repeated strings: a column of 100,000 "华东" is one string, not 100,000. */
  intern(c: number, s: string): string {
    const m = this.interned[c];
    if (!m || s.length > 32) return s;
    const hit = m.get(s);
    if (hit !== undefined) return hit;
    if (m.size >= INTERN_LIMIT) {
      this.interned[c] = null;
      return s;
    }
    m.set(s, s);
    return s;
  }

  /** A CSV row of texts; longer rows widen the table, shorter ones are padded. */
  pushTextRow(fields: readonly string[]): void {
    while (fields.length > this.columns.length) this.addColumn("");
    const r = this.rowCount;
    const data = this.data;
    for (let c = 0; c < data.length; c++) {
      const f = fields[c];
      (data[c] as Column).text[r] = f === undefined || f === "" ? "" : this.intern(c, f);
    }
    this.rowCount++;
  }

  /** A spreadsheet cell: text (num NaN) or a number with its kind and format. */
  setCell(c: number, r: number, text: string, num: number, kind: number, fmt: number): void {
    const col = this.data[c] as Column;
    if (Number.isNaN(num)) {
      col.text[r] = text === "" ? "" : this.intern(c, text);
      if (col.num) {
        if (r >= col.num.length) {
          col.num = grown(col.num, r + 1).fill(Number.NaN, col.num.length);
          col.fmt = grown(col.fmt as Uint16Array, r + 1);
        }
        col.num[r] = Number.NaN;
      }
      if (col.kind) {
        if (r >= col.kind.length) col.kind = grown(col.kind, r + 1);
        col.kind[r] = KIND_TEXT;
      }
      return;
    }
    col.text[r] = "";
    if (!col.num) {
      const size = Math.max(this.capacity, r + 1);
      col.num = new Float64Array(size).fill(Number.NaN, 0, r);
      col.fmt = new Uint16Array(size);
    } else if (r >= col.num.length) {
      col.num = grown(col.num, r + 1).fill(Number.NaN, col.num.length);
      col.fmt = grown(col.fmt as Uint16Array, r + 1);
    }
    col.num[r] = num;
    (col.fmt as Uint16Array)[r] = fmt;
    if (kind === KIND_DATE || kind === KIND_BOOL || col.kind) {
      if (!col.kind) col.kind = new Uint8Array(col.num.length).fill(KIND_NUMBER, 0, r);
      else if (r >= col.kind.length) col.kind = grown(col.kind, col.num.length);
      col.kind[r] = kind;
    }
  }

  /** Ends reading: releases the interning maps, trims columns to the rows read. */
  seal(): void {
    this.interned = [];
    for (const col of this.data) {
      if (col.text.length > this.rowCount) col.text.length = this.rowCount;
    }
  }

  /** Text a cell shows ("" when empty). */
  textAt(c: number, r: number): string {
    const col = this.data[c] as Column;
    const num = col.num?.[r];
    if (num === undefined || Number.isNaN(num)) return col.text[r] ?? "";
    if (col.kind?.[r] === KIND_BOOL) return num ? "TRUE" : "FALSE";
    return (this.formats[(col.fmt as Uint16Array)[r] as number] as NumberFormatter)(num);
  }

  /** A reader of one column's cell texts (the fast path for text-only columns). */
  columnText(c: number): (r: number) => string {
    const col = this.data[c] as Column;
    if (!col.num) {
      const text = col.text;
      return (r) => text[r] ?? "";
    }
    return (r) => this.textAt(c, r);
  }

  /**
   * The value a template sees for a cell: a number (or a SheetNumber when the sheet shows it
   * differently, e.g. "9.50%"), a SheetDate, a boolean, text, or "" when empty.
   */
  valueAt(c: number, r: number): unknown {
    const col = this.data[c] as Column;
    if (this.source === "csv") return csvCellValue(col.text[r] ?? "");
    const num = col.num?.[r];
    if (num === undefined || Number.isNaN(num)) return col.text[r] ?? "";
    const kind = col.kind?.[r] ?? KIND_NUMBER;
    if (kind === KIND_BOOL) return num === 1;
    const text = this.textAt(c, r);
    if (kind === KIND_DATE) return new SheetDate(serialToUtcMs(num), text);
    return String(num) === text ? num : new SheetNumber(num, text);
  }

  /** The number behind a cell, NaN when it holds none (for sums, sorting). */
  numberAt(c: number, r: number): number {
    const col = this.data[c] as Column;
    if (this.source === "xlsx") return col.num?.[r] ?? Number.NaN;
    const v = csvCellValue(col.text[r] ?? "");
    return typeof v === "number" ? v : v instanceof SheetNumber ? v.value : Number.NaN;
  }
}
