import type { RunOutput } from "../executor";

/** How much of one response body goes to the run output; the rest is counted, searched and dropped. */
export const BODY_OUTPUT_CAP = 256 * 1024;

export type BodySummary = {
  bytes: number;
  /** The first BODY_OUTPUT_CAP bytes, for the output. */
  head: Uint8Array;
  /** Whether the decoded body contains the searched text (true when nothing was searched). */
  found: boolean;
};

/**
 * Reads a body to its end with bounded memory: keeps only the head for the output and searches
 * for `needle` on the fly, carrying the last needle.length - 1 characters across chunks so a match
 * split between two chunks is still found.
 */
export async function readBody(
  body: AsyncIterable<Uint8Array> | null,
  needle?: string,
): Promise<BodySummary> {
  // Chunks are kept as they come (no buffer of the cap's size per response: at a thousand
  // requests a second that allocation alone kept the garbage collector busy, issue 9).
  const kept: Uint8Array[] = [];
  let headLength = 0;
  let bytes = 0;
  const search = needle ? new StreamSearch(needle) : null;
  if (body) {
    for await (const value of body) {
      bytes += value.byteLength;
      const room = BODY_OUTPUT_CAP - headLength;
      if (room > 0) {
        const part = value.byteLength > room ? value.subarray(0, room) : value;
        kept.push(part);
        headLength += part.byteLength;
      }
      search?.push(value);
    }
  }
  const head = kept.length === 1 ? (kept[0] as Uint8Array) : Buffer.concat(kept, headLength);
  return { bytes, head, found: search ? search.finish() : true };
}

class StreamSearch {
  private readonly decoder = new TextDecoder("utf-8");
  private tail = "";
  private found = false;

  constructor(private readonly needle: string) {}

  push(chunk: Uint8Array): void {
    if (!this.found) this.scan(this.decoder.decode(chunk, { stream: true }));
  }

  finish(): boolean {
    if (!this.found) this.scan(this.decoder.decode());
    return this.found;
  }

  private scan(text: string): void {
    const window = this.tail + text;
    if (window.includes(this.needle)) this.found = true;
    const keep = this.needle.length - 1;
    this.tail = keep > 0 ? window.slice(-keep) : "";
  }
}

const TEXT_TYPE = /^text\/|json|xml|javascript|x-www-form-urlencoded/i;

/** Binary means: not declared as text, and holding a NUL byte (which text practically never does). */
export function isBinary(contentType: string | null, head: Uint8Array): boolean {
  if (contentType && TEXT_TYPE.test(contentType)) return false;
  return head.includes(0);
}

/** Writes a body (or a note standing for it) to the output, capped at BODY_OUTPUT_CAP. */
export function writeBody(out: RunOutput, contentType: string | null, body: BodySummary): void {
  if (body.bytes === 0) return;
  if (isBinary(contentType, body.head)) {
    out.write("stdout", `[binary body, ${body.bytes} bytes]\n`);
    return;
  }
  const truncated = body.bytes > body.head.byteLength;
  // stream: true when truncated drops a character cut in half by the cap instead of showing �.
  const text = new TextDecoder("utf-8").decode(body.head, { stream: truncated });
  out.write("stdout", text.endsWith("\n") ? text : `${text}\n`);
  if (truncated) {
    out.write(
      "system",
      `… body truncated: showed the first ${formatBytes(BODY_OUTPUT_CAP)} of ${formatBytes(body.bytes)}\n`,
    );
  }
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
}
