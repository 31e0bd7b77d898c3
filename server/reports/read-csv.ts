/**
 * CSV report files, streamed once: bytes → text (encoding decided on the first non-ASCII bytes)
 * → Papa Parse → a ReportTable. Chinese Excel saves CSV in GBK, scripts in UTF-8 (with or without
 * BOM), "Unicode text" exports in UTF-16 with tabs; the delimiter is whichever of comma,
 * semicolon, tab or pipe splits the first lines into the most, consistent columns.
 */
import "server-only";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { Readable } from "node:stream";
import Papa from "papaparse";
import { ReportTable } from "./table";

export type CsvEncoding = "utf-8" | "gb18030" | "utf-16le" | "utf-16be";

export type CsvReadOptions = {
  /** Rows kept in memory; the rest are counted. */
  maxRows: number;
  /** Force an encoding instead of detecting one. */
  encoding?: CsvEncoding;
  /** Force a delimiter instead of detecting one. */
  delimiter?: string;
};

export type CsvInfo = { encoding: CsvEncoding; delimiter: string };

const DELIMITERS = [",", ";", "\t", "|"];
const SNIFF_CHARS = 64 * 1024;
const SNIFF_LINES = 30;
/**
 * Longest record read, in characters (a spreadsheet cell holds at most 32,767). The parser reads
 * a record that spans chunks again from its start with each new chunk, so a stray quote that
 * never closes would cost time growing with the square of the file; it is refused here instead.
 */
const MAX_RECORD_CHARS = 4 * 1024 * 1024;

/**
 * The delimiter that gives the most columns, the same number on most of the first lines —
 * judged by the parser itself (quotes understood) on a sample ending at a line break.
 */
export function detectDelimiter(sample: string): string {
  // Excel's own hint line, "sep=;".
  const hint = /^sep=(.)\r?\n/.exec(sample);
  if (hint) return hint[1] as string;
  // The first read chunk may be much longer than the lines looked at: each parse below guesses
  // the line ending over all the text it is given.
  const head = sample.slice(0, SNIFF_CHARS);
  const cut = head.lastIndexOf("\n");
  const text = cut > 0 ? head.slice(0, cut) : head;
  let best = ",";
  let bestScore = 0;
  for (const delimiter of DELIMITERS) {
    const records = Papa.parse<string[]>(text, {
      delimiter,
      skipEmptyLines: true,
      preview: SNIFF_LINES,
    }).data;
    const width = records[0]?.length ?? 0;
    if (width < 2) continue;
    const consistent = records.filter((r) => r.length === width).length / records.length;
    const score = consistent >= 0.8 ? width * consistent : 0;
    if (score > bestScore) {
      best = delimiter;
      bestScore = score;
    }
  }
  return best;
}

const strictUtf8 = () => new TextDecoder("utf-8", { fatal: true });

function bomEncoding(b: Buffer): { encoding: CsvEncoding; skip: number } | undefined {
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return { encoding: "utf-8", skip: 3 };
  if (b[0] === 0xff && b[1] === 0xfe) return { encoding: "utf-16le", skip: 2 };
  if (b[0] === 0xfe && b[1] === 0xff) return { encoding: "utf-16be", skip: 2 };
  return undefined;
}

function firstNonAscii(b: Buffer): number {
  for (let i = 0; i < b.length; i++) if ((b[i] as number) >= 0x80) return i;
  return -1;
}

/** UTF-8 if these bytes (possibly ending mid-character) are valid UTF-8, else GB18030 (a superset of GBK). */
function guessEncoding(b: Buffer): CsvEncoding {
  try {
    strictUtf8().decode(b, { stream: true });
    return "utf-8";
  } catch {
    return "gb18030";
  }
}

type StreamDecoder = { write(b: Buffer): string; end(): string };

/**
 * A streaming decoder (a character split between two read chunks is never broken): Node's own
 * TextDecoder (UTF-8 always; GB18030 and UTF-16 with full ICU, as official builds have), else
 * iconv-lite, loaded only then.
 */
async function streamDecoder(encoding: CsvEncoding): Promise<StreamDecoder> {
  try {
    const td = new TextDecoder(encoding);
    return { write: (b) => td.decode(b, { stream: true }), end: () => td.decode() };
  } catch {
    const iconv = (await import("iconv-lite")).default;
    const d = iconv.getDecoder(encoding);
    return { write: (b) => d.write(b), end: () => d.end() ?? "" };
  }
}

/** Turns the file's bytes into text, deciding the encoding on the first non-ASCII bytes. */
class Decoder {
  encoding: CsvEncoding | undefined;
  private decoder: StreamDecoder | undefined;
  private first = true;

  constructor(forced?: CsvEncoding) {
    this.encoding = forced;
  }

  async push(chunk: Buffer): Promise<string> {
    let b = chunk;
    if (this.first) {
      this.first = false;
      const bom = bomEncoding(b);
      if (bom && (!this.encoding || this.encoding === bom.encoding)) {
        this.encoding = bom.encoding;
        b = b.subarray(bom.skip);
      }
    }
    if (!this.encoding) {
      // Pure ASCII reads the same in every candidate encoding (and ends on a whole character).
      if (firstNonAscii(b) < 0) return b.toString("latin1");
      this.encoding = guessEncoding(b);
    }
    this.decoder ??= await streamDecoder(this.encoding);
    return this.decoder.write(b);
  }

  end(): string {
    return this.decoder?.end() ?? "";
  }
}

export async function readCsv(
  path: string,
  file: string,
  sheetName: string,
  opts: CsvReadOptions,
): Promise<{ table: ReportTable; info: CsvInfo }> {
  const table = new ReportTable(sheetName, file, "csv");
  const decoder = new Decoder(opts.encoding);
  const fileSize = (await stat(path)).size;
  let bytesRead = 0;
  async function* text() {
    for await (const chunk of createReadStream(path, { highWaterMark: 256 * 1024 })) {
      bytesRead += (chunk as Buffer).length;
      const s = await decoder.push(chunk as Buffer);
      if (s) yield s;
    }
    const tail = decoder.end();
    if (tail) yield tail;
  }
  const chunks = text();

  // The first 64 K characters decide the delimiter and how many rows to expect.
  const head: string[] = [];
  let sniffed = 0;
  while (sniffed < SNIFF_CHARS) {
    const next = await chunks.next();
    if (next.done) break;
    head.push(next.value);
    sniffed += next.value.length;
  }
  const sample = head.join("");
  const delimiter = opts.delimiter ?? detectDelimiter(sample);
  // Rows to expect, from the first lines' length: columns are sized once, not regrown.
  const lines = sample.split("\n").length - 1;
  if (lines > 1 && bytesRead > 0) {
    table.reserve(Math.min(opts.maxRows, Math.ceil((fileSize / bytesRead) * lines * 1.05)));
  }
  // Characters given to the parser since it last completed a record.
  let pending = 0;
  async function* all() {
    if (sample) yield sample;
    pending = sample.length;
    for await (const s of chunks) {
      pending += s.length;
      yield s;
    }
  }

  let header = true;
  const onRecord = (rec: string[]) => {
    if (header) {
      // Excel's "sep=;" line is not the header.
      const line = rec.join(delimiter);
      if (line.length === 5 && line.startsWith("sep=")) return;
      header = false;
      table.setHeader(rec);
      return;
    }
    table.totalRows++;
    if (table.rowCount < opts.maxRows) table.pushTextRow(rec);
  };

  await new Promise<void>((resolve, reject) => {
    Papa.parse<string[]>(Readable.from(all()), {
      delimiter,
      skipEmptyLines: true,
      // Rows come a read chunk at a time, not one callback (and result object) per row.
      chunk: (results, parser) => {
        // A quote opened and never closed swallows the rest of the file: refuse it, as pandas
        // does. Other quote slips (a stray quote inside a field) keep the text as written.
        const unclosed = results.errors.find((e) => e.code === "MissingQuotes");
        const rows = results.data;
        const valid = unclosed ? Math.min(unclosed.row ?? 0, rows.length) : rows.length;
        for (let i = 0; i < valid; i++) onRecord(rows[i] as string[]);
        if (rows.length) pending = 0;
        const problem = unclosed?.message ?? (pending > MAX_RECORD_CHARS ? "Record too long" : undefined);
        if (problem) {
          const record = table.totalRows + (header ? 1 : 2);
          // Rejected before abort(): abort() calls `complete` at once.
          reject(new Error(`CSV record ${record}: ${problem}`));
          parser.abort();
        }
      },
      complete: () => resolve(),
      error: (e: Error) => reject(e),
    });
  });
  table.seal();
  return { table, info: { encoding: decoder.encoding ?? "utf-8", delimiter } };
}
