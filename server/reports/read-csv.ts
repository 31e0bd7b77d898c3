/**
 * CSV report files, streamed once: bytes → (encoding decided on the first non-ASCII bytes) →
 * csv-parse → a ReportTable. Chinese Excel saves CSV in GBK, scripts in UTF-8 (with or without
 * BOM), "Unicode text" exports in UTF-16 with tabs; the delimiter is whichever of comma,
 * semicolon, tab or pipe splits the first lines into the most, consistent columns.
 */
import "server-only";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { parse } from "csv-parse";
import { parse as parseSync } from "csv-parse/sync";
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
 * The delimiter that gives the most columns, the same number on most of the first lines —
 * judged by csv-parse itself (quotes understood) on a sample ending at a line break.
 */
export function detectDelimiter(sample: string): string {
  // Excel's own hint line, "sep=;".
  const hint = /^sep=(.)\r?\n/.exec(sample);
  if (hint) return hint[1] as string;
  const cut = sample.lastIndexOf("\n");
  const text = cut > 0 ? sample.slice(0, cut) : sample;
  let best = ",";
  let bestScore = 0;
  for (const delimiter of DELIMITERS) {
    let records: string[][];
    try {
      records = parseSync(text, {
        delimiter,
        relax_quotes: true,
        relax_column_count: true,
        skip_empty_lines: true,
        to_line: SNIFF_LINES,
      });
    } catch {
      continue;
    }
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
 * A streaming decoder: Node's own TextDecoder (GB18030, UTF-16 with full ICU, as official
 * builds have), else iconv-lite, loaded only then.
 */
async function streamDecoder(encoding: Exclude<CsvEncoding, "utf-8">): Promise<StreamDecoder> {
  try {
    const td = new TextDecoder(encoding);
    return { write: (b) => td.decode(b, { stream: true }), end: () => td.decode() };
  } catch {
    const iconv = (await import("iconv-lite")).default;
    const d = iconv.getDecoder(encoding);
    return { write: (b) => d.write(b), end: () => d.end() ?? "" };
  }
}

/**
 * Turns the file's bytes into what csv-parse reads. UTF-8 bytes go through untouched (csv-parse
 * decodes fields itself); other encodings are decoded to text by a streaming decoder, so a
 * character split between two chunks is never broken.
 */
class Decoder {
  encoding: CsvEncoding | undefined;
  private decoder: StreamDecoder | undefined;
  private first = true;

  constructor(forced?: CsvEncoding) {
    this.encoding = forced;
  }

  /** What is ready to parse: while only ASCII has been seen, bytes pass through undecided. */
  async push(chunk: Buffer): Promise<Buffer | string> {
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
      // Pure ASCII reads the same in every candidate encoding.
      if (firstNonAscii(b) < 0) return b;
      this.encoding = guessEncoding(b);
    }
    if (this.encoding === "utf-8") return b;
    this.decoder ??= await streamDecoder(this.encoding);
    return this.decoder.write(b);
  }

  end(): string {
    return this.decoder?.end() ?? "";
  }
}

const asText = (x: Buffer | string) => (typeof x === "string" ? x : x.toString("utf8"));

export async function readCsv(
  path: string,
  file: string,
  sheetName: string,
  opts: CsvReadOptions,
): Promise<{ table: ReportTable; info: CsvInfo }> {
  const table = new ReportTable(sheetName, file, "csv");
  const decoder = new Decoder(opts.encoding);
  let delimiter = opts.delimiter;
  let parser: ReturnType<typeof parse> | undefined;
  let sniffBuffer: (Buffer | string)[] = [];
  let sniffed = 0;
  let header = true;
  let failure: Error | undefined;

  const onRecord = (rec: string[]) => {
    if (header) {
      // Excel's "sep=;" line is not the header.
      if (rec.join(delimiter ?? ",").startsWith("sep=") && rec.join(delimiter ?? ",").length === 5) return;
      header = false;
      table.setHeader(rec);
      return;
    }
    table.totalRows++;
    if (table.rowCount < opts.maxRows) table.pushTextRow(rec);
  };

  const startParser = () => {
    const sample = sniffBuffer.map(asText).join("");
    delimiter ??= detectDelimiter(sample);
    // Rows to expect, from the first lines' length: columns are sized once, not regrown.
    const lines = sample.split("\n").length - 1;
    if (lines > 1 && bytesRead > 0) {
      table.reserve(Math.min(opts.maxRows, Math.ceil((fileSize / bytesRead) * lines * 1.05)));
    }
    parser = parse({
      delimiter,
      relax_quotes: true,
      relax_column_count: true,
      skip_empty_lines: true,
      // Records are taken here, as they are parsed, instead of travelling through the stream.
      on_record: (rec: string[]) => {
        onRecord(rec);
        return null;
      },
    });
    parser.resume();
    parser.on("error", (e: Error) => {
      failure ??= e;
    });
    for (const part of sniffBuffer) parser.write(part);
    sniffBuffer = [];
  };

  const feed = async (parts: (Buffer | string)[]) => {
    for (const part of parts) {
      if (!parser) {
        sniffBuffer.push(part);
        sniffed += part.length;
        if (sniffed >= SNIFF_CHARS) startParser();
        continue;
      }
      if (!parser.write(part)) await new Promise((r) => parser?.once("drain", r));
      if (failure) throw failure;
    }
  };

  const fileSize = (await stat(path)).size;
  const stream = createReadStream(path, { highWaterMark: 256 * 1024 });
  let bytesRead = 0;
  for await (const chunk of stream) {
    bytesRead += (chunk as Buffer).length;
    await feed([await decoder.push(chunk as Buffer)]);
  }
  const tail = decoder.end();
  if (tail) await feed([tail]);
  if (!parser) startParser();
  const p = parser as unknown as ReturnType<typeof parse>;
  await new Promise<void>((resolve, reject) => {
    p.once("end", resolve);
    p.once("error", reject);
    p.end();
  });
  if (failure) throw failure;
  table.seal();
  return { table, info: { encoding: decoder.encoding ?? "utf-8", delimiter: delimiter ?? "," } };
}
