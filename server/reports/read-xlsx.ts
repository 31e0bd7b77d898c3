/**
 * XLSX report files, streamed: yauzl reads the zip's directory and streams one part at a time
 * (never the whole file in memory, no temporary files), saxes parses each part's XML as it
 * inflates. The workbook, its relationships, styles and shared strings come first, then every
 * sheet in workbook order, one row at a time.
 *
 * Why not exceljs' streaming reader (exceljs 4.4.0): it decodes every inflated chunk as UTF-8
 * on its own, so a Chinese character split between two chunks becomes "\uFFFD" — in shared
 * strings, which is where a Chinese report's text lives (test/server/reports-read.test.ts shows
 * it) — and it builds a Row, Cell and Value object per cell, several times slower than the
 * pandas pipeline it replaces needs. exceljs still writes XLSX in the tests and the benchmark.
 *
 * Each cell keeps the text the sheet shows under its number format (dates, percentages,
 * thousands) and the number behind it; formulas give the result Excel saved. Merged cells are
 * not spread: the first cell of a merge holds the value, the others read empty (as pandas does).
 */
import "server-only";
import path from "node:path";
import type { Readable } from "node:stream";
import { SaxesParser, type SaxesTagPlain } from "saxes";
import yauzl from "yauzl";
import { compileNumberFormat, isDateFormatCode } from "./formats";
import { KIND_BOOL, KIND_DATE, KIND_NUMBER, KIND_TEXT, type NumberFormatter, ReportTable } from "./table";

export type XlsxReadOptions = { maxRows: number };

/**
 * Number formats every workbook has without defining them (ECMA-376 Part 1, 18.8.30), with the
 * Chinese (zh-CN) ones Excel and WPS write for Chinese dates. 14 and 22 follow the reader's
 * locale in Excel; an ISO date reads right everywhere.
 */
const BUILTIN_FORMATS: Record<number, string> = {
  0: "General",
  1: "0",
  2: "0.00",
  3: "#,##0",
  4: "#,##0.00",
  9: "0%",
  10: "0.00%",
  11: "0.00E+00",
  12: "# ?/?",
  13: "# ??/??",
  14: "yyyy-mm-dd",
  15: "d-mmm-yy",
  16: "d-mmm",
  17: "mmm-yy",
  18: "h:mm AM/PM",
  19: "h:mm:ss AM/PM",
  20: "h:mm",
  21: "h:mm:ss",
  22: "yyyy-mm-dd h:mm",
  27: 'yyyy"年"m"月"',
  28: 'm"月"d"日"',
  29: 'm"月"d"日"',
  30: "m-d-yy",
  31: 'yyyy"年"m"月"d"日"',
  32: 'h"时"mm"分"',
  33: 'h"时"mm"分"ss"秒"',
  34: 'h"时"mm"分"',
  35: 'h"时"mm"分"ss"秒"',
  36: 'yyyy"年"m"月"',
  37: "#,##0 ;(#,##0)",
  38: "#,##0 ;[Red](#,##0)",
  39: "#,##0.00;(#,##0.00)",
  40: "#,##0.00;[Red](#,##0.00)",
  45: "mm:ss",
  46: "[h]:mm:ss",
  47: "mmss.0",
  48: "##0.0E+0",
  49: "@",
  50: 'yyyy"年"m"月"',
  51: 'm"月"d"日"',
  52: 'yyyy"年"m"月"',
  53: 'm"月"d"日"',
  54: 'm"月"d"日"',
  55: 'h"时"mm"分"',
  56: 'h"时"mm"分"ss"秒"',
  57: 'yyyy"年"m"月"',
  58: 'm"月"d"日"',
};

type Handlers = {
  open?: (tag: SaxesTagPlain) => void;
  text?: (t: string) => void;
  close?: (tag: SaxesTagPlain) => void;
};

/** Streams one zip part through saxes; the decoder keeps characters split between chunks whole. */
async function parsePart(zip: yauzl.ZipFile, entry: yauzl.Entry, h: Handlers): Promise<void> {
  const parser = new SaxesParser<{ position: false; xmlns: false }>({ position: false, xmlns: false });
  let failure: Error | undefined;
  parser.on("error", (e) => {
    failure ??= e;
  });
  if (h.open) parser.on("opentag", h.open);
  if (h.text) parser.on("text", h.text);
  if (h.close) parser.on("closetag", h.close);
  const decoder = new TextDecoder("utf-8");
  const stream: Readable = await zip.openReadStreamPromise(entry);
  for await (const chunk of stream) {
    parser.write(decoder.decode(chunk as Buffer, { stream: true }));
    if (failure) {
      stream.destroy();
      throw failure;
    }
  }
  parser.write(decoder.decode());
  parser.close();
  if (failure) throw failure;
}

/** "xl/workbook.xml" + "worksheets/sheet1.xml" → "xl/worksheets/sheet1.xml" ("/xl/…" is absolute). */
function resolvePart(from: string, target: string): string {
  if (target.startsWith("/")) return target.slice(1);
  return path.posix.normalize(path.posix.join(path.posix.dirname(from), target));
}

type Relationship = { id: string; type: string; target: string };

async function readRels(zip: yauzl.ZipFile, entries: Map<string, yauzl.Entry>, part: string) {
  const relsName = path.posix.join(path.posix.dirname(part), "_rels", `${path.posix.basename(part)}.rels`);
  const entry = entries.get(relsName);
  const rels: Relationship[] = [];
  if (!entry) return rels;
  await parsePart(zip, entry, {
    open: (tag) => {
      if (tag.name === "Relationship") {
        const a = tag.attributes;
        rels.push({ id: a.Id ?? "", type: a.Type ?? "", target: resolvePart(part, a.Target ?? "") });
      }
    },
  });
  return rels;
}

const localName = (name: string) => {
  const i = name.indexOf(":");
  return i < 0 ? name : name.slice(i + 1);
};

type Workbook = {
  sheets: { name: string; part: string; hidden: boolean }[];
  date1904: boolean;
  styles?: string;
  sharedStrings?: string;
};

async function readWorkbook(zip: yauzl.ZipFile, entries: Map<string, yauzl.Entry>): Promise<Workbook> {
  const rootRels = await readRels(zip, entries, "");
  const part =
    rootRels.find((r) => r.type.endsWith("/officeDocument"))?.target ??
    (entries.has("xl/workbook.xml") ? "xl/workbook.xml" : undefined);
  const entry = part ? entries.get(part) : undefined;
  if (!part || !entry) throw new Error("not an XLSX workbook (no xl/workbook.xml)");
  const rels = await readRels(zip, entries, part);
  const byId = new Map(rels.map((r) => [r.id, r]));
  const wb: Workbook = { sheets: [], date1904: false };
  await parsePart(zip, entry, {
    open: (tag) => {
      const name = localName(tag.name);
      if (name === "workbookPr") {
        const v = tag.attributes.date1904;
        wb.date1904 = v === "1" || v === "true";
      } else if (name === "sheet") {
        const rid = Object.entries(tag.attributes).find(
          ([k]) => localName(k) === "id" && k !== "sheetId",
        )?.[1];
        const rel = rid ? byId.get(rid) : undefined;
        if (rel?.type.endsWith("/worksheet")) {
          wb.sheets.push({
            name: tag.attributes.name ?? "",
            part: rel.target,
            hidden: !!tag.attributes.state,
          });
        }
      }
    },
  });
  wb.styles = rels.find((r) => r.type.endsWith("/styles"))?.target;
  wb.sharedStrings = rels.find((r) => r.type.endsWith("/sharedStrings"))?.target;
  return wb;
}

/** Per cell style (`s`): the number format code. */
async function readStyles(
  zip: yauzl.ZipFile,
  entry: yauzl.Entry | undefined,
): Promise<(string | undefined)[]> {
  const custom = new Map<number, string>();
  const xfs: (string | undefined)[] = [];
  if (!entry) return xfs;
  let inCellXfs = false;
  const formatIds: number[] = [];
  await parsePart(zip, entry, {
    open: (tag) => {
      if (tag.name === "numFmt") custom.set(Number(tag.attributes.numFmtId), tag.attributes.formatCode ?? "");
      else if (tag.name === "cellXfs") inCellXfs = true;
      else if (tag.name === "xf" && inCellXfs) formatIds.push(Number(tag.attributes.numFmtId ?? 0));
    },
    close: (tag) => {
      if (tag.name === "cellXfs") inCellXfs = false;
    },
  });
  for (const id of formatIds) xfs.push(custom.get(id) ?? BUILTIN_FORMATS[id]);
  return xfs;
}

/** Shared strings: the text of each `<si>` (rich-text runs joined; phonetic guides left out). */
async function readSharedStrings(zip: yauzl.ZipFile, entry: yauzl.Entry | undefined): Promise<string[]> {
  const strings: string[] = [];
  if (!entry) return strings;
  let current = "";
  let inT = false;
  let inPhonetic = false;
  await parsePart(zip, entry, {
    open: (tag) => {
      if (tag.name === "si") current = "";
      else if (tag.name === "t") inT = !inPhonetic;
      else if (tag.name === "rPh") inPhonetic = true;
    },
    text: (t) => {
      if (inT) current += t;
    },
    close: (tag) => {
      if (tag.name === "t") inT = false;
      else if (tag.name === "rPh") inPhonetic = false;
      else if (tag.name === "si") strings.push(current);
    },
  });
  return strings;
}

/** "BC12" → 54 (0-based column); -1 when the reference has no letters. */
function columnOf(ref: string): number {
  let col = 0;
  let i = 0;
  for (; i < ref.length; i++) {
    const c = ref.charCodeAt(i);
    if (c < 65 || c > 90) break;
    col = col * 26 + (c - 64);
  }
  return i === 0 ? -1 : col - 1;
}

/** A cell style's number format: its index in the workbook's formatters, and whether it shows dates. */
type StyleFormat = { index: number; isDate: boolean };

async function readSheet(
  zip: yauzl.ZipFile,
  entry: yauzl.Entry,
  table: ReportTable,
  strings: string[],
  styles: StyleFormat[],
  general: StyleFormat,
  formatters: NumberFormatter[],
  date1904: boolean,
  maxRows: number,
): Promise<void> {
  // One row at a time into these, then into the table's columns.
  const texts: string[] = [];
  const nums: number[] = [];
  const kinds: number[] = [];
  const fmts: number[] = [];
  let width = 0;
  let header = true;
  let nextCol = 0;
  // The cell being read.
  let col = 0;
  let style = 0;
  let type = "";
  let value = "";
  let inValue = false;
  let inInline = false;
  let hasValue = false;

  const putCell = () => {
    if (!hasValue) return;
    let text = "";
    let num = Number.NaN;
    let kind = KIND_TEXT;
    let fmt = 0;
    switch (type) {
      case "s":
        text = strings[Number(value)] ?? "";
        break;
      case "str":
      case "inlineStr":
        text = value;
        break;
      case "b":
        num = value === "1" || value === "true" ? 1 : 0;
        kind = KIND_BOOL;
        break;
      case "e":
        text = value;
        break;
      default: {
        num = Number(value);
        if (value === "" || Number.isNaN(num)) {
          text = value;
          num = Number.NaN;
          break;
        }
        const f = styles[style] ?? general;
        if (f.isDate) {
          // Serial days in the 1900 system (the one number formats assume).
          if (date1904) num += 1462;
          kind = KIND_DATE;
        } else kind = KIND_NUMBER;
        fmt = f.index;
      }
    }
    if (text === "" && Number.isNaN(num)) return;
    texts[col] = text;
    nums[col] = num;
    kinds[col] = kind;
    fmts[col] = fmt;
    if (col + 1 > width) width = col + 1;
  };

  const flushRow = () => {
    if (width === 0) return;
    if (header) {
      header = false;
      const names: string[] = [];
      for (let c = 0; c < width; c++) {
        const n = nums[c];
        const format = formatters[fmts[c] as number];
        names.push(n === undefined || Number.isNaN(n) || !format ? (texts[c] ?? "") : format(n));
      }
      table.setHeader(names);
    } else {
      table.totalRows++;
      if (table.rowCount < maxRows) {
        while (width > table.width) table.addColumn("");
        const r = table.rowCount;
        for (let c = 0; c < table.width; c++) {
          if (texts[c] === undefined) table.setCell(c, r, "", Number.NaN, KIND_TEXT, 0);
          else
            table.setCell(c, r, texts[c] as string, nums[c] as number, kinds[c] as number, fmts[c] as number);
        }
        table.rowCount++;
      }
    }
    texts.length = 0;
    nums.length = 0;
    kinds.length = 0;
    fmts.length = 0;
    width = 0;
  };

  let inSheetData = false;
  await parsePart(zip, entry, {
    open: (tag) => {
      switch (tag.name) {
        case "c": {
          const ref = tag.attributes.r;
          const c = ref ? columnOf(ref) : -1;
          col = c >= 0 ? c : nextCol;
          nextCol = col + 1;
          style = tag.attributes.s ? Number(tag.attributes.s) : 0;
          type = tag.attributes.t ?? "";
          value = "";
          hasValue = false;
          break;
        }
        case "v":
          inValue = true;
          hasValue = true;
          break;
        case "is":
          inInline = true;
          hasValue = true;
          break;
        case "t":
          if (inInline) inValue = true;
          break;
        case "rPh":
          // Phonetic guides inside inline strings are not the cell's text.
          if (inInline) inInline = false;
          break;
        case "row":
          nextCol = 0;
          break;
        case "sheetData":
          inSheetData = true;
          break;
        case "dimension": {
          // "A1:J100001": the sheet's size, written before its rows.
          const last = /(\d+)$/.exec(tag.attributes.ref ?? "");
          if (last) table.reserve(Math.min(maxRows, Number(last[1])));
          break;
        }
      }
    },
    text: (t) => {
      if (inValue) value += t;
    },
    close: (tag) => {
      switch (tag.name) {
        case "v":
        case "t":
          inValue = false;
          break;
        case "is":
          inInline = false;
          break;
        case "c":
          if (inSheetData) putCell();
          break;
        case "row":
          // Blank rows are skipped, as pandas does.
          flushRow();
          break;
        case "sheetData":
          inSheetData = false;
          break;
      }
    },
  });
  flushRow();
}

export async function readXlsx(file: string, name: string, opts: XlsxReadOptions): Promise<ReportTable[]> {
  const zip = await yauzl.openPromise(file, { lazyEntries: true, autoClose: false });
  try {
    const entries = new Map<string, yauzl.Entry>();
    for await (const e of zip.eachEntry()) entries.set(e.fileName, e);
    const wb = await readWorkbook(zip, entries);
    const codes = await readStyles(zip, wb.styles ? entries.get(wb.styles) : undefined);
    const formats = new Map<string, StyleFormat>();
    const formatters: NumberFormatter[] = [];
    const formatOf = (code: string | undefined): StyleFormat => {
      const key = code ?? "General";
      let f = formats.get(key);
      if (!f) {
        f = { index: formatters.length, isDate: isDateFormatCode(key) };
        formatters.push(compileNumberFormat(key));
        formats.set(key, f);
      }
      return f;
    };
    const styles = codes.map(formatOf);
    const general = formatOf("General");
    const strings = await readSharedStrings(
      zip,
      wb.sharedStrings ? entries.get(wb.sharedStrings) : undefined,
    );
    const tables: ReportTable[] = [];
    for (const sheet of wb.sheets) {
      const entry = entries.get(sheet.part);
      if (!entry) continue;
      const table = new ReportTable(sheet.name, name, "xlsx");
      table.formats = formatters;
      await readSheet(zip, entry, table, strings, styles, general, formatters, wb.date1904, opts.maxRows);
      table.seal();
      tables.push(table);
    }
    return tables;
  } finally {
    zip.close();
  }
}
