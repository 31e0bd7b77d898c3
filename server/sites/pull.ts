/**
 * Pulling a site's daily files (seed 001: 每次插入数据从上一次位置开始). Per file the byte
 * offset after the last complete line is kept; a pull asks only for what follows, with HTTP
 * Range, starting a few bytes early so that the bytes just before the offset can be compared
 * with those stored: a file replaced by another (or shrunk) is noticed and read again from its
 * start (idempotent writes make that harmless). A server that ignores Range sends the whole
 * file: the known bytes are skipped. A last line without its LF is left for the next pull.
 */
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { siteBadLines, siteFiles, sites } from "../db/schema";
import { SITE_FILE_KINDS, type SiteFileKind } from "../lib/enums";
import { formatLocal, localMidnight } from "../lib/local-time";
import { addCounts, emptyCounts, type IngestCounts, type IngestSite, ingestBytes } from "./ingest";
import { completeLength, type Encoding, FILE_PATHS } from "./parse";

/** Bytes before the offset re-read and compared on each pull. */
const TAIL_BYTES = 64;
/** Lines are ingested in slices of about this many bytes, the offset saved after each. */
const CHUNK_BYTES = 8 * 1024 * 1024;
/** Yesterday's file counts as complete once a pull this long after midnight finds nothing new. */
export const COMPLETE_AFTER_MS = 30 * 60_000;

export type FilePull = {
  kind: SiteFileKind;
  day: string;
  file: string;
  status: "ok" | "missing" | "failed";
  /** New bytes taken (complete lines only). */
  bytes: number;
  restarted: boolean;
  rangeHonoured: boolean | null;
  offset: number;
  counts: IngestCounts;
  error?: string;
};

export type PullReport = { site: string; files: FilePull[]; totals: IngestCounts & { bytes: number } };

type Say = (line: string) => void;

function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86400_000).toISOString().slice(0, 10);
}

export function fileUrl(baseUrl: string, kind: SiteFileKind, day: string): string {
  return `${baseUrl.replace(/\/+$/, "")}/${FILE_PATHS[kind](day)}`;
}

export function fileName(kind: SiteFileKind, day: string): string {
  return FILE_PATHS[kind](day).split("/").pop() as string;
}

/**
 * One pull of a site: today's three files (in the site's zone) and yesterday's until they are
 * complete. Each file is independent: one that fails is reported and the others still land.
 */
export async function pullSite(
  db: Db,
  siteId: number,
  opts: { now?: Date; signal?: AbortSignal; say?: Say } = {},
): Promise<PullReport> {
  const [site] = await db.select().from(sites).where(eq(sites.id, siteId));
  if (!site) throw new Error(`site ${siteId} does not exist`);
  if (!site.baseUrl) throw new Error(`site ${site.code} has no base URL to pull from (it may push instead)`);
  const now = opts.now ?? new Date();
  const today = formatLocal(now, site.timezone).slice(0, 10);
  const yesterday = addDays(today, -1);
  const pastGrace = now.getTime() - localMidnight(today, site.timezone).getTime() >= COMPLETE_AFTER_MS;
  const known = await db
    .select({ kind: siteFiles.kind, day: siteFiles.day, isComplete: siteFiles.isComplete })
    .from(siteFiles)
    .where(and(eq(siteFiles.siteId, site.id), eq(siteFiles.day, yesterday)));
  const files: FilePull[] = [];
  for (const day of [yesterday, today]) {
    for (const kind of SITE_FILE_KINDS) {
      if (day === yesterday && known.find((k) => k.kind === kind)?.isComplete) continue;
      if (opts.signal?.aborted) break;
      const r = await pullFile(db, site as IngestSite & { baseUrl: string }, kind, day, {
        signal: opts.signal,
        markComplete: day === yesterday && pastGrace,
      });
      files.push(r);
      opts.say?.(describe(r));
    }
  }
  let totals = { ...emptyCounts(), bytes: 0 };
  for (const f of files) totals = { ...addCounts(totals, f.counts), bytes: totals.bytes + f.bytes };
  return { site: site.code, files, totals };
}

function describe(r: FilePull): string {
  if (r.status === "missing") return `${r.file}: not there (404)`;
  if (r.status === "failed") return `${r.file}: failed: ${r.error}`;
  const c = r.counts;
  const what =
    r.kind === "info"
      ? `${c.samples} new samples, ${c.nodes} node updates`
      : r.kind === "alarm"
        ? `${c.alarmsNew} new alarms, ${c.alarmsUpdated} updated`
        : `${c.counters} new counter rows`;
  return (
    `${r.file}: ${r.bytes} bytes, ${c.lines} lines, ${c.bad} bad lines, ${what}; offset ${r.offset}` +
    `${r.restarted ? " (file replaced or shrunk: read again from the start)" : ""}` +
    `${r.rangeHonoured === false ? " (the server ignored Range)" : ""}`
  );
}

type FileState = {
  offset: number;
  lines: number;
  badLines: number;
  tail: Buffer | null;
  encoding: Encoding | null;
};

async function fetchFrom(url: string, start: number, signal?: AbortSignal): Promise<Response> {
  const headers: Record<string, string> = { "accept-encoding": "identity" };
  if (start > 0) headers.range = `bytes=${start}-`;
  return fetch(url, { headers, signal, redirect: "follow" });
}

export async function pullFile(
  db: Db,
  site: IngestSite & { baseUrl: string },
  kind: SiteFileKind,
  day: string,
  opts: { signal?: AbortSignal; markComplete?: boolean } = {},
): Promise<FilePull> {
  const file = fileName(kind, day);
  const url = fileUrl(site.baseUrl, kind, day);
  const [row] = await db
    .select()
    .from(siteFiles)
    .where(and(eq(siteFiles.siteId, site.id), eq(siteFiles.kind, kind), eq(siteFiles.day, day)));
  const state: FileState = {
    offset: row?.offset ?? 0,
    lines: row?.lines ?? 0,
    badLines: row?.badLines ?? 0,
    tail: row?.tail ?? null,
    encoding: (row?.encoding as Encoding | null) ?? null,
  };
  const result: FilePull = {
    kind,
    day,
    file,
    status: "ok",
    bytes: 0,
    restarted: false,
    rangeHonoured: null,
    offset: state.offset,
    counts: emptyCounts(),
  };
  const save = async (patch: Partial<typeof siteFiles.$inferInsert>) => {
    await db
      .insert(siteFiles)
      .values({ siteId: site.id, kind, day, ...patch })
      .onConflictDoUpdate({ target: [siteFiles.siteId, siteFiles.kind, siteFiles.day], set: patch });
  };
  try {
    const tailLen = state.offset > 0 ? (state.tail?.length ?? 0) : 0;
    let res = await fetchFrom(url, state.offset - tailLen, opts.signal);
    let body: Buffer | null = null;
    if (res.status === 404) {
      await res.body?.cancel();
      result.status = "missing";
      await save({
        lastPullAt: new Date(),
        lastError: null,
        ...(opts.markComplete ? { isComplete: true } : {}),
      });
      return result;
    }
    const startOver = async () => {
      result.restarted = true;
      state.offset = 0;
      state.lines = 0;
      state.badLines = 0;
      state.tail = null;
      state.encoding = null;
      await db.delete(siteBadLines).where(and(eq(siteBadLines.siteId, site.id), eq(siteBadLines.file, file)));
    };
    if (res.status === 416) {
      // Nothing at or after our start: the file is shorter than what we had read.
      await res.body?.cancel();
      await startOver();
      res = await fetchFrom(url, 0, opts.signal);
    }
    if (res.status !== 200 && res.status !== 206) {
      await res.body?.cancel();
      throw new Error(`HTTP ${res.status} from ${url}`);
    }
    body = Buffer.from(await res.arrayBuffer());
    let fresh: Buffer;
    if (res.status === 206) {
      result.rangeHonoured = true;
      const seen = body.subarray(0, tailLen);
      if (state.tail && !seen.equals(state.tail)) {
        await startOver();
        body = Buffer.from(await (await fetchFrom(url, 0, opts.signal)).arrayBuffer());
        fresh = body;
      } else fresh = body.subarray(tailLen);
    } else {
      result.rangeHonoured = state.offset - tailLen > 0 ? false : null;
      const seen = body.subarray(state.offset - tailLen, state.offset);
      if (body.length < state.offset || (state.tail && !seen.equals(state.tail))) {
        await startOver();
        fresh = body;
      } else fresh = body.subarray(state.offset);
    }
    const usable = completeLength(fresh);
    for (let at = 0; at < usable; ) {
      // Slices end on a line break, so every slice is whole lines.
      let end = Math.min(usable, at + CHUNK_BYTES);
      if (end < usable) {
        const whole = completeLength(fresh.subarray(at, end));
        end = whole > 0 ? at + whole : usable;
      }
      const slice = fresh.subarray(at, end);
      const r = await ingestBytes(db, site, kind, file, slice, {
        firstLineNo: state.lines + 1,
        encoding: state.encoding,
      });
      state.encoding = r.encoding;
      state.offset += slice.length;
      state.lines += r.counts.lines;
      state.badLines += r.counts.bad;
      // The tail compared next time: the last bytes before the offset, wherever they came from.
      const before = Buffer.concat([body.subarray(0, body.length - fresh.length), fresh.subarray(0, end)]);
      state.tail = Buffer.from(before.subarray(Math.max(0, before.length - TAIL_BYTES)));
      result.counts = addCounts(result.counts, r.counts);
      result.bytes += slice.length;
      await save({
        offset: state.offset,
        lines: state.lines,
        badLines: state.badLines,
        tail: state.tail,
        encoding: state.encoding,
        lastNewBytesAt: new Date(),
      });
      at = end;
    }
    result.offset = state.offset;
    await save({
      offset: state.offset,
      lines: state.lines,
      badLines: state.badLines,
      tail: state.tail,
      encoding: state.encoding,
      lastPullAt: new Date(),
      lastError: null,
      ...(opts.markComplete && result.bytes === 0 ? { isComplete: true } : {}),
    });
    return result;
  } catch (e) {
    if (opts.signal?.aborted) throw e;
    result.status = "failed";
    result.error = e instanceof Error ? e.message : String(e);
    await save({ lastPullAt: new Date(), lastError: result.error }).catch(() => {});
    return result;
  }
}

/** Offsets and tails of a site's files (tests, the collection page). */
export async function fileStates(db: Db, siteId: number) {
  return db
    .select()
    .from(siteFiles)
    .where(eq(siteFiles.siteId, siteId))
    .orderBy(siteFiles.day, sql`${siteFiles.kind}`);
}
