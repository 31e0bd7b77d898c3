/**
 * XLSX report files through exceljs' streaming reader: every sheet, in workbook order, one row
 * at a time (the file is never held whole). Each cell keeps the text the sheet shows under its
 * number format (dates, percentages, thousands) and the number behind it; formulas give their
 * cached result. Merged cells are not expanded (the streaming reader sees merges only after the
 * rows): the first cell of a merge holds the value, the others read empty — as pandas does.
 */
import ExcelJS from "exceljs";
import { isDateFormat } from "numfmt";
import { formatSheetNumber, utcMsToSerial } from "./cells";
import { KIND_BOOL, KIND_DATE, KIND_NUMBER, KIND_TEXT, ReportTable, setSheetCell } from "./table";

export type XlsxReadOptions = { maxRows: number };

type SheetRef = { name?: string; rId?: string; state?: string };
type WorkbookReaderInternals = {
  model?: { sheets?: SheetRef[] };
  workbookRels?: { Id: string; Target: string }[];
};
type WorksheetReaderLike = AsyncIterable<ExcelJS.Row> & { id?: string | number; name?: string };

const { ValueType } = ExcelJS;

/** One cell → [text shown, number behind it (NaN if none), kind]. */
type Cell = [string, number, number];

function richText(v: { richText?: { text: string }[] }): string {
  return (v.richText ?? []).map((r) => r.text).join("");
}

function fromNumber(n: number, fmt: string | undefined): Cell {
  const isDate = !!fmt && fmt !== "General" && isDateFormat(fmt);
  return [formatSheetNumber(n, fmt), n, isDate ? KIND_DATE : KIND_NUMBER];
}

function fromScalar(v: unknown, fmt: string | undefined): Cell {
  if (v === null || v === undefined) return ["", Number.NaN, KIND_TEXT];
  if (typeof v === "number") return fromNumber(v, fmt);
  if (typeof v === "string") return [v, Number.NaN, KIND_TEXT];
  if (typeof v === "boolean") return [v ? "TRUE" : "FALSE", v ? 1 : 0, KIND_BOOL];
  if (v instanceof Date) {
    const serial = utcMsToSerial(v.getTime());
    return [formatSheetNumber(serial, fmt), serial, KIND_DATE];
  }
  const o = v as { richText?: unknown; error?: string; text?: unknown };
  if (o.richText) return [richText(o as { richText: { text: string }[] }), Number.NaN, KIND_TEXT];
  if (o.error !== undefined) return [String(o.error), Number.NaN, KIND_TEXT];
  if (o.text !== undefined) return fromScalar(o.text, fmt);
  return [String(v), Number.NaN, KIND_TEXT];
}

function cellOf(cell: ExcelJS.Cell): Cell {
  const v = cell.value as unknown;
  const fmt = cell.numFmt;
  if (cell.type === ValueType.Formula) {
    // Formulas: the value Excel saved when it last calculated (no recalculation here).
    return fromScalar((v as { result?: unknown }).result, fmt);
  }
  return fromScalar(v, fmt);
}

/** A worksheet's file name → its position and name in the workbook (exceljs misses "/xl/…" targets). */
function sheetIndex(reader: WorkbookReaderInternals, ws: WorksheetReaderLike, fallback: number) {
  const sheets = reader.model?.sheets ?? [];
  const byName = ws.name ? sheets.findIndex((s) => s.name === ws.name) : -1;
  if (byName >= 0) return { index: byName, name: ws.name as string };
  const file = `worksheets/sheet${ws.id}.xml`;
  const rel = reader.workbookRels?.find((r) => r.Target.replace(/^\/?(xl\/)?/, "") === file);
  const i = rel ? sheets.findIndex((s) => s.rId === rel.Id) : -1;
  if (i >= 0) return { index: i, name: sheets[i]?.name ?? `Sheet${ws.id}` };
  return { index: sheets.length + fallback, name: ws.name ?? `Sheet${ws.id ?? fallback + 1}` };
}

export async function readXlsx(path: string, file: string, opts: XlsxReadOptions): Promise<ReportTable[]> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, {
    sharedStrings: "cache",
    styles: "cache",
    hyperlinks: "ignore",
    worksheets: "emit",
    entries: "ignore",
  });
  const found: { index: number; table: ReportTable }[] = [];
  let n = 0;
  const texts: string[] = [];
  const nums: number[] = [];
  const kinds: number[] = [];
  for await (const wsRaw of reader as unknown as AsyncIterable<WorksheetReaderLike>) {
    const ws = wsRaw;
    // The name is known once the workbook part has been read, which precedes the sheets.
    const at = sheetIndex(reader as unknown as WorkbookReaderInternals, ws, n++);
    const table = new ReportTable(at.name, file, "xlsx");
    let header = true;
    for await (const row of ws) {
      texts.length = 0;
      nums.length = 0;
      kinds.length = 0;
      let any = false;
      row.eachCell((cell, col) => {
        const [text, num, kind] = cellOf(cell);
        if (text === "") return;
        texts[col - 1] = text;
        nums[col - 1] = num;
        kinds[col - 1] = kind;
        any = true;
      });
      // Blank rows are skipped, as pandas does.
      if (!any) continue;
      if (header) {
        header = false;
        const names: string[] = [];
        for (let c = 0; c < texts.length; c++) names.push(texts[c] ?? "");
        table.setHeader(names);
        continue;
      }
      table.totalRows++;
      if (table.rowCount >= opts.maxRows) continue;
      while (texts.length > table.width) table.addColumn("");
      const r = table.rowCount;
      for (let c = 0; c < table.width; c++) {
        const text = texts[c];
        if (text === undefined) setSheetCell(table, c, r, "", Number.NaN, KIND_TEXT);
        else setSheetCell(table, c, r, table.intern(c, text), nums[c] as number, kinds[c] as number);
      }
      table.rowCount++;
    }
    table.seal();
    found.push({ index: at.index, table });
  }
  return found.sort((a, b) => a.index - b.index).map((f) => f.table);
}
