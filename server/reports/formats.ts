/**
 * Excel number formats (numfmt), needed only when an XLSX is read: the text a sheet shows for a
 * number under its format code.
 */
import { format as formatExcel, isDateFormat, isValidFormat } from "numfmt";

const formatOptions = { throws: false, nbsp: false, invalid: "" };

/** Excel's General: integers as they are, other numbers in at most 11 characters (numfmt). */
function formatGeneral(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e11) return String(n);
  const s = String(n);
  if (s.length <= 11 && !s.includes("e")) return s;
  return formatExcel("General", n, formatOptions);
}

/** `0`, `0.00`, `#,##0.00`, `0.0%` …: the formats reports use most, formatted without numfmt's parser. */
const FIXED_FORMAT = /^(#,##)?0(?:\.(0+))?(%?)$/;
const GROUPS = /\B(?=(\d{3})+(?!\d))/g;

/** numfmt's scaling: a percentage is rounded to 16 significant digits first (1.005 → 100.5 %, not 100.49999…). */
function clamp16(n: number): number {
  if (n === 0) return n;
  const mag = 10 ** (16 - Math.floor(Math.ceil(Math.log10(Math.abs(n)))));
  return Number.isFinite(mag) ? Math.round(n * mag) / mag : 0;
}

/** Dates repeat (a report of one month has 31): remember their text, up to this many per format. */
const DATE_MEMO_LIMIT = 50_000;

/**
 * A number format code → a function giving the text a sheet shows for a number. Compiled once
 * per format; numfmt formats everything but the commonest codes, which are done here the way
 * numfmt does them (symmetric rounding; test/server/reports-cells.test.ts holds the two equal).
 * A code numfmt cannot read falls back to General instead of failing the report.
 */
export function compileNumberFormat(code: string | undefined): (n: number) => string {
  const fmt = !code ? "General" : code;
  if (fmt === "General" || fmt === "@") return formatGeneral;
  const fixed = FIXED_FORMAT.exec(fmt);
  if (fixed) {
    const decimals = fixed[2]?.length ?? 0;
    const grouped = !!fixed[1];
    const percent = fixed[3] === "%";
    const p = 10 ** decimals;
    return (n: number) => {
      const v = percent ? clamp16(n * 100) : n;
      if (!Number.isFinite(v) || Math.abs(v) >= 1e15) return formatExcel(fmt, n, formatOptions);
      const r = Math.round(Math.abs(v) * p) / p;
      let s = r.toFixed(decimals);
      if (grouped && r >= 1000) {
        const dot = s.indexOf(".");
        s = dot < 0 ? s.replace(GROUPS, ",") : s.slice(0, dot).replace(GROUPS, ",") + s.slice(dot);
      }
      return `${v < 0 && r !== 0 ? "-" : ""}${s}${percent ? "%" : ""}`;
    };
  }
  if (!isValidFormat(fmt)) return formatGeneral;
  if (isDateFormat(fmt)) {
    const memo = new Map<number, string>();
    return (n: number) => {
      let s = memo.get(n);
      if (s === undefined) {
        s = formatExcel(fmt, n, formatOptions);
        if (memo.size < DATE_MEMO_LIMIT) memo.set(n, s);
      }
      return s;
    };
  }
  return (n: number) => formatExcel(fmt, n, formatOptions);
}

/** Whether a format code shows dates or times (its numbers are serial days). */
export function isDateFormatCode(code: string | undefined): boolean {
  return !!code && code !== "General" && isValidFormat(code) && isDateFormat(code);
}
