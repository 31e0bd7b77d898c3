/**
 * The report viewer's reads (issue 11): one page of one table of a report file, and the points
 * of a chart of one column over another. The file is read by the same readers as the mail
 * (server/reports/read.ts: GBK, dates, percentages as the sheet shows them); pages are cut on
 * the server so a phone gets 50 rows, not 100,000. The last few tables read are kept (keyed by
 * the file's checksum), so paging through a report does not read it again each time.
 */
import "server-only";
import { z } from "zod";
import type { ReportFileRow } from "../db/schema";
import { msg } from "../i18n/errors";
import { DomainError } from "../lib/errors";
import { reportFilePath } from "./archive";
import { fileKind, readReportTables } from "./read";
import type { ReportTable } from "./table";

/** Rows a viewer reads from one file (the rest is counted, and stays in the download). */
const VIEW_MAX_ROWS = 200_000;
const CACHE_SIZE = 3;
const MAX_POINTS = 1000;

export const ZViewPage = z.object({
  sheet: z.number().int().min(0).max(1000).default(0),
  page: z.number().int().min(1).default(1),
  size: z.number().int().min(1).max(500).default(50),
});
export const ZViewChart = z.object({
  sheet: z.number().int().min(0).max(1000).default(0),
  x: z.number().int().min(0).max(10_000),
  y: z.number().int().min(0).max(10_000),
});

type Read = { tables: ReportTable[]; problem?: string };
const cache = new Map<string, Promise<Read>>();

function tablesOf(file: ReportFileRow): Promise<Read> {
  const key = `${file.id}:${file.sha256}`;
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const read = (async (): Promise<Read> => {
    const abs = await reportFilePath(file);
    const report = await readReportTables([{ path: abs, name: file.name }], { maxRows: VIEW_MAX_ROWS });
    return { tables: report.tables.map(([, t]) => t), problem: report.files[0]?.problem };
  })();
  read.catch(() => cache.delete(key));
  cache.set(key, read);
  while (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  return read;
}

/** Columns whose filled cells are mostly numbers (the chart's y choices), from the first rows. */
function numericColumns(t: ReportTable): number[] {
  const out: number[] = [];
  const rows = Math.min(t.rowCount, 1000);
  for (let c = 0; c < t.width; c++) {
    let filled = 0;
    let numbers = 0;
    for (let r = 0; r < rows; r++) {
      if (t.textAt(c, r) === "") continue;
      filled++;
      if (Number.isFinite(t.numberAt(c, r))) numbers++;
    }
    if (filled > 0 && numbers / filled >= 0.8) out.push(c);
  }
  return out;
}

export type ViewPage = {
  kind: "table";
  sheets: string[];
  sheet: number;
  columns: string[];
  numeric: number[];
  rows: string[][];
  page: number;
  size: number;
  /** Rows read (≤ VIEW_MAX_ROWS) and rows in the sheet. */
  keptRows: number;
  totalRows: number;
};

/** One page of one sheet, as the sheet shows its cells; `kind: "none"` for files without tables. */
export async function viewReportFile(
  file: ReportFileRow,
  input: z.input<typeof ZViewPage>,
): Promise<ViewPage | { kind: "none"; problem?: string }> {
  const o = ZViewPage.parse(input);
  if (fileKind(file.name) === "other") return { kind: "none" };
  const read = await tablesOf(file);
  if (!read.tables.length) return { kind: "none", problem: read.problem };
  const sheet = Math.min(o.sheet, read.tables.length - 1);
  const t = read.tables[sheet] as ReportTable;
  const from = (o.page - 1) * o.size;
  const to = Math.min(t.rowCount, from + o.size);
  const readers = t.columns.map((_, c) => t.columnText(c));
  const rows: string[][] = [];
  for (let r = from; r < to; r++) rows.push(readers.map((cell) => cell(r)));
  return {
    kind: "table",
    sheets: read.tables.map((x) => x.name),
    sheet,
    columns: [...t.columns],
    numeric: numericColumns(t),
    rows,
    page: o.page,
    size: o.size,
    keptRows: t.rowCount,
    totalRows: t.totalRows,
  };
}

/**
 * A chart's points: column `y` (its numbers) over column `x` (its texts: a date, a region), in
 * row order; rows without a number are left out. More rows than MAX_POINTS are thinned evenly.
 */
export async function chartReportFile(file: ReportFileRow, input: z.input<typeof ZViewChart>) {
  const o = ZViewChart.parse(input);
  const read = await tablesOf(file);
  const t = read.tables[o.sheet];
  if (!t || o.x >= t.width || o.y >= t.width) throw new DomainError("BAD_REQUEST", msg("reports.noSheet"));
  const step = Math.max(1, Math.ceil(t.rowCount / MAX_POINTS));
  const points: { x: string; y: number }[] = [];
  for (let r = 0; r < t.rowCount; r += step) {
    const y = t.numberAt(o.y, r);
    if (Number.isFinite(y)) points.push({ x: t.textAt(o.x, r), y });
  }
  return { x: t.columns[o.x] as string, y: t.columns[o.y] as string, points, thinned: step > 1 };
}
