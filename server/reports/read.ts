/**
 * A run's report files → the `tables` templates see: every sheet of every XLSX in workbook
 * order, every CSV (its sheet name is the file name without extension), files in the order
 * given. Other files are attachments only. Files are only read (streamed once), never changed:
 * the mail attaches the script's own bytes.
 */
import "server-only";
import { stat } from "node:fs/promises";
import path from "node:path";
import type { CsvEncoding } from "./read-csv";
import type { ReportTable } from "./table";

export type ReportFileKind = "csv" | "xlsx" | "other";

export type ReportFileInput = {
  /** Where the file is on disk. */
  path: string;
  /** The name people see (default: the path's base name). */
  name?: string;
};

export type ReportFile = {
  path: string;
  name: string;
  /** The name without its extension (the template's `filename`). */
  stem: string;
  size: number;
  kind: ReportFileKind;
  /** CSV only: what was detected. */
  encoding?: CsvEncoding;
  delimiter?: string;
  /** Tables read from it (indexes into `tables`). */
  tables: number[];
  /** Why its tables could not be read (the file is still attached). */
  problem?: string;
};

export type ReadOptions = {
  /** Rows kept per table (the rest are counted: `totalRows`). */
  maxRows: number;
};

export const DEFAULT_READ_OPTIONS: ReadOptions = { maxRows: 200_000 };

export type ReportTables = {
  files: ReportFile[];
  /** `[sheetName, table]` pairs, the template's `tables`. */
  tables: [string, ReportTable][];
  /** The first table-bearing file's name without extension (the template's `filename`). */
  filename: string;
};

export function fileKind(name: string): ReportFileKind {
  const ext = path.extname(name).toLowerCase();
  if (ext === ".csv" || ext === ".tsv") return "csv";
  if (ext === ".xlsx" || ext === ".xlsm") return "xlsx";
  return "other";
}

const stemOf = (name: string) => path.basename(name, path.extname(name));

export async function readReportTables(
  inputs: readonly ReportFileInput[],
  options: Partial<ReadOptions> = {},
): Promise<ReportTables> {
  const opts = { ...DEFAULT_READ_OPTIONS, ...options };
  const files: ReportFile[] = [];
  const tables: [string, ReportTable][] = [];
  for (const input of inputs) {
    const name = input.name ?? path.basename(input.path);
    const info = await stat(input.path);
    const file: ReportFile = {
      path: input.path,
      name,
      stem: stemOf(name),
      size: info.size,
      kind: fileKind(name),
      tables: [],
    };
    files.push(file);
    try {
      if (file.kind === "csv") {
        const { readCsv } = await import("./read-csv");
        const { table, info: csv } = await readCsv(input.path, name, file.stem, { maxRows: opts.maxRows });
        file.encoding = csv.encoding;
        file.delimiter = csv.delimiter;
        file.tables.push(tables.length);
        tables.push([table.name, table]);
      } else if (file.kind === "xlsx") {
        // Each reader is loaded when a file needs it (the XLSX one brings a zip and an XML parser).
        const { readXlsx } = await import("./read-xlsx");
        for (const table of await readXlsx(input.path, name, { maxRows: opts.maxRows })) {
          file.tables.push(tables.length);
          tables.push([table.name, table]);
        }
      }
    } catch (e) {
      file.problem = e instanceof Error ? e.message : String(e);
    }
  }
  const first = files.find((f) => f.tables.length) ?? files[0];
  return { files, tables, filename: first?.stem ?? "" };
}
