/**
 * A report table held column by column: per column the text each cell shows (what the HTML and
 * the mail print) and, for spreadsheet columns, the number behind it. No object per cell: a
 * 100,000 × 10 report is ten arrays of strings (repeated strings shared) and a few arrays of
 * doubles. Values for templates (`SheetNumber`, `SheetDate`) are made only when a template asks.
 */
import { csvCellValue, SheetDate, SheetNumber, utcMsToSerial } from "./cells";

/** Marks for spreadsheet cells whose text alone does not say what they are. */
export const KIND_TEXT = 0;
export const KIND_NUMBER = 1;
export const KIND_DATE = 2;
export const KIND_BOOL = 3;

export type Column = {
  /** What each cell shows; "" for an empty cell. */
  text: string[];
  /** Spreadsheets: the number behind the text (a date's serial), NaN for text cells. */
  num?: number[];
  /** Spreadsheets: KIND_* per cell, present once the column holds a date or a boolean. */
  kind?: number[];
};

/** Repeated values (regions, statuses, dates) are stored once; a column stops sharing when it is mostly unique. */
const INTERN_LIMIT = 4096;

export class ReportTable {
  readonly columns: string[] = [];
  readonly data: Column[] = [];
  /** Rows kept in memory (≤ the reader's cap). */
  rowCount = 0;
  /** Data rows in the sheet, kept or not. */
  totalRows = 0;
  private readonly interned: (Map<string, string> | null)[] = [];

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
    this.data.push({ text: new Array<string>(this.rowCount).fill("") });
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
    for (let c = 0; c < this.columns.length; c++) {
      const f = fields[c];
      (this.data[c] as Column).text[r] = f === undefined || f === "" ? "" : this.intern(c, f);
    }
    this.rowCount++;
  }

  /** Ends reading: releases the interning maps. */
  seal(): void {
    this.interned.length = 0;
  }

  /** Text a cell shows. */
  textAt(c: number, r: number): string {
    return (this.data[c] as Column).text[r] ?? "";
  }

  isEmptyAt(c: number, r: number): boolean {
    return this.textAt(c, r) === "";
  }

  /**
   * The value a template sees for a cell: a number (or a SheetNumber when the sheet shows it
   * differently, e.g. "9.50%"), a SheetDate, a boolean, text, or "" when empty.
   */
  valueAt(c: number, r: number): unknown {
    const col = this.data[c] as Column;
    const text = col.text[r] ?? "";
    if (this.source === "csv") return csvCellValue(text);
    const kind = col.kind?.[r] ?? KIND_NUMBER;
    const num = col.num?.[r];
    if (num === undefined || Number.isNaN(num)) return text;
    if (kind === KIND_BOOL) return num === 1;
    if (kind === KIND_DATE) return new SheetDate(Math.round((num - 25569) * 86_400_000), text);
    return String(num) === text ? num : new SheetNumber(num, text);
  }

  /** The number behind a cell, NaN when it holds none (for sums, sorting). */
  numberAt(c: number, r: number): number {
    if (this.source === "xlsx") {
      const col = this.data[c] as Column;
      return col.num?.[r] ?? Number.NaN;
    }
    const v = csvCellValue(this.textAt(c, r));
    return typeof v === "number" ? v : v instanceof SheetNumber ? v.value : Number.NaN;
  }
}

/** Spreadsheet cell writer used by the XLSX reader (kept here so the layout lives in one file). */
export function setSheetCell(
  t: ReportTable,
  c: number,
  r: number,
  text: string,
  num: number,
  kind: number,
): void {
  const col = t.data[c] as Column;
  col.text[r] = text;
  if (!Number.isNaN(num)) {
    if (!col.num) col.num = new Array<number>(r).fill(Number.NaN);
    col.num[r] = num;
  } else if (col.num) col.num[r] = Number.NaN;
  if (kind === KIND_DATE || kind === KIND_BOOL) {
    if (!col.kind) col.kind = new Array<number>(r).fill(KIND_NUMBER);
    col.kind[r] = kind;
  } else if (col.kind) col.kind[r] = kind;
}

export const dateToSerial = (d: Date) => utcMsToSerial(d.getTime());
