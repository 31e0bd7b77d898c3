/**
 * Cell values as templates see them. A report cell has two faces: the text the sheet shows
 * ("9.50%", "43,325.28", "2024-01-05") and the value behind it (0.095, 43325.28, a date). The
 * original email_center handed pandas values to templates, so `row[3] < 0.95` must compare
 * numbers — while `{{ row[3] }}` should print what the sheet shows. A `SheetNumber` /
 * `SheetDate` carries both: JavaScript's `<`, `==`, `+`, `*` use `valueOf()` (the number), and
 * nunjucks prints `toString()` (the text). Plain numbers whose text is the number itself stay
 * primitives, so most cells cost nothing extra.
 */
export class SheetNumber {
  constructor(
    readonly value: number,
    readonly text: string,
  ) {}
  valueOf(): number {
    return this.value;
  }
  toString(): string {
    return this.text;
  }
  toJSON(): number {
    return this.value;
  }
  /** pandas' scalar accessors that templates call. */
  item(): number {
    return this.value;
  }
  is_integer(): boolean {
    return Number.isInteger(this.value);
  }
}

const DAY_MS = 86_400_000;
/** Excel's serial day 0 is 1899-12-30 (with the 1900 leap-year bug folded in). */
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);

export const serialToUtcMs = (serial: number) => Math.round(EXCEL_EPOCH_MS + serial * DAY_MS);

const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];
const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/**
 * A date or datetime as a sheet shows it, with Python's `datetime` accessors (`strftime`,
 * `year`, `month`, `day`, `isoformat()`, `date()`), for cells and for the `date` variable.
 * Fields are wall-clock fields (a sheet has no time zone), stored as UTC.
 */
export class SheetDate {
  constructor(
    /** Wall-clock time as if it were UTC. */
    readonly ms: number,
    readonly text: string,
  ) {}
  static fromFields(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, text?: string): SheetDate {
    const ms = Date.UTC(y, mo - 1, d, h, mi, s);
    const date = new SheetDate(ms, "");
    return new SheetDate(ms, text ?? date.isoformat(" "));
  }
  valueOf(): number {
    return this.ms;
  }
  toString(): string {
    return this.text;
  }
  toJSON(): string {
    return this.isoformat();
  }
  private get d(): Date {
    return new Date(this.ms);
  }
  get year() {
    return this.d.getUTCFullYear();
  }
  get month() {
    return this.d.getUTCMonth() + 1;
  }
  get day() {
    return this.d.getUTCDate();
  }
  get hour() {
    return this.d.getUTCHours();
  }
  get minute() {
    return this.d.getUTCMinutes();
  }
  get second() {
    return this.d.getUTCSeconds();
  }
  weekday(): number {
    return (this.d.getUTCDay() + 6) % 7;
  }
  isoweekday(): number {
    return this.weekday() + 1;
  }
  date(): SheetDate {
    const ms = Math.floor(this.ms / DAY_MS) * DAY_MS;
    return new SheetDate(ms, new Date(ms).toISOString().slice(0, 10));
  }
  isoformat(sep = "T"): string {
    const iso = new Date(this.ms).toISOString();
    return this.ms % DAY_MS === 0 && sep === "T" && this.text.length <= 10
      ? iso.slice(0, 10)
      : `${iso.slice(0, 10)}${sep}${iso.slice(11, 19)}`;
  }
  /** Python's strftime for the directives reports use. */
  strftime(fmt: string): string {
    const d = this.d;
    const y = d.getUTCFullYear();
    const start = Date.UTC(y, 0, 1);
    return String(fmt).replace(/%([%aAbBdHIjmMpSyYeF])/g, (_m, c: string) => {
      switch (c) {
        case "%":
          return "%";
        case "a":
          return (WEEKDAYS[d.getUTCDay()] as string).slice(0, 3);
        case "A":
          return WEEKDAYS[d.getUTCDay()] as string;
        case "b":
          return (MONTHS[d.getUTCMonth()] as string).slice(0, 3);
        case "B":
          return MONTHS[d.getUTCMonth()] as string;
        case "d":
          return pad(d.getUTCDate());
        case "e":
          return String(d.getUTCDate()).padStart(2, " ");
        case "F":
          return `${y}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
        case "H":
          return pad(d.getUTCHours());
        case "I":
          return pad(d.getUTCHours() % 12 || 12);
        case "j":
          return pad(Math.floor((this.ms - start) / DAY_MS) + 1, 3);
        case "m":
          return pad(d.getUTCMonth() + 1);
        case "M":
          return pad(d.getUTCMinutes());
        case "p":
          return d.getUTCHours() < 12 ? "AM" : "PM";
        case "S":
          return pad(d.getUTCSeconds());
        case "y":
          return pad(y % 100);
        default:
          return String(y);
      }
    });
  }
}

/** Number text in a CSV: plain, with thousands separators, or a percentage. */
const PLAIN_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const GROUPED_NUMBER = /^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/;
const PERCENT = /^([+-]?(?:\d+\.?\d*|\.\d+))\s?%$/;

/**
 * The value behind a CSV cell's text: a number when the text is one (as pandas would infer,
 * plus "1,234" and "95%", which a spreadsheet user reads as numbers), else the text. An empty
 * cell is "" (falsy and prints nothing; pandas would give NaN).
 */
export function csvCellValue(text: string): string | number | SheetNumber {
  if (text === "") return "";
  const first = text.charCodeAt(0);
  // Fast exit for text that cannot be a number (most text cells).
  if (!((first >= 48 && first <= 57) || first === 45 || first === 43 || first === 46)) return text;
  if (PLAIN_NUMBER.test(text)) {
    const n = Number(text);
    return String(n) === text ? n : new SheetNumber(n, text);
  }
  if (GROUPED_NUMBER.test(text)) return new SheetNumber(Number(text.replace(/,/g, "")), text);
  const pct = PERCENT.exec(text);
  if (pct) return new SheetNumber(Number(pct[1]) / 100, text);
  return text;
}

/** The number behind a cell's text, or NaN (for sorting and numeric column helpers). */
export function numberOf(v: unknown): number {
  if (typeof v === "number") return v;
  if (v instanceof SheetNumber || v instanceof SheetDate) return v.valueOf();
  if (typeof v === "boolean") return v ? 1 : 0;
  return Number.NaN;
}
