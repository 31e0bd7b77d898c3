/**
 * Sites (issue 12): ingest of a 1,000,000-line system_info file (10 servers × cpu, mem and two
 * disks a minute) through the pull's path — 8 MiB slices of complete lines → decode → parse →
 * COPY into a stage → insert-select ON CONFLICT — beside a plain COPY of the same rows into the
 * same (empty, indexed) table; then the same file again (nothing added); then the chart query
 * over 30 days of 1-minute cpu data of one server, at each range (1 h … 30 d), downsampled to
 * at most 1,000 buckets (ranges from 14 days read the hourly roll-up the ingest keeps).
 *
 * Targets: ingest ≥ 0.5× the plain COPY's rows/s; chart query p95 < 50 ms.
 * BENCH_LINES changes the file's size; BENCH_QUERIES the queries per range (default 40).
 */
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import { createSql, type Db } from "../server/db/client";
import * as schema from "../server/db/schema";
import { addCounts, emptyCounts, ingestBytes } from "../server/sites/ingest";
import { completeLength, parseInfo } from "../server/sites/parse";
import { benchDatabase, ratio, report, round, summarize } from "./lib";

const LINES = Number(process.env.BENCH_LINES ?? 1_000_000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 40);
const SERVERS = 10;
const CHUNK = 8 * 1024 * 1024;
const TZ = "Asia/Shanghai";

function wall(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace("T", " ");
}

function makeFile(lines: number): Buffer {
  const out: string[] = [];
  const start = Date.UTC(2025, 0, 1);
  for (let i = 0; out.length < lines; i++) {
    const minute = Math.floor(i / SERVERS);
    const s = i % SERVERS;
    const t = wall(start + minute * 60_000);
    const name = `app${s}`;
    const ip = `10.0.0.${s + 1}`;
    const idle = 50 + ((i * 7) % 45);
    out.push(`${name}|${ip}|BENCH|cpu|${(100 - idle) / 2}|${(100 - idle) / 3}|1.5|${idle}|${t}`);
    out.push(`${name}|${ip}|BENCH|mem|${8000 + (i % 900)}|${7000 - (i % 900)}|512|16384|${t}`);
    out.push(`${name}|${ip}|BENCH|disk|/|${40 + (i % 10)}|100|${t}`);
    out.push(`${name}|${ip}|BENCH|disk|/home|${300 + (i % 50)}|1000|${t}`);
  }
  return Buffer.from(`${out.slice(0, lines).join("\r\n")}\r\n`);
}

async function ingestFile(db: Db, site: { id: number; code: string; timezone: string }, file: Buffer) {
  let counts = emptyCounts();
  let lineNo = 1;
  for (let at = 0; at < file.length; ) {
    const whole = completeLength(file.subarray(at, Math.min(file.length, at + CHUNK)));
    const slice = file.subarray(at, at + whole);
    const r = await ingestBytes(db, site, "info", "system_info_bench.txt", slice, { firstLineNo: lineNo });
    lineNo += r.counts.lines;
    counts = addCounts(counts, r.counts);
    at += whole;
  }
  return counts;
}

const bench = await benchDatabase();
const sqlc = createSql(bench.url, 4);
const db = drizzle(sqlc, { schema }) as Db;
try {
  const [site] = await db
    .insert(schema.sites)
    .values({ code: "BENCH", name: "bench", timezone: TZ })
    .returning();
  if (!site) throw new Error("no site");
  const file = makeFile(LINES);
  console.log(`system_info file: ${LINES} lines, ${round(file.length / 1048576, 1)} MiB`);

  // The plain COPY: the same rows, already converted (server ids, UTC instants), no checks.
  let t = performance.now();
  const parsed = parseInfo(file.toString("utf8"), { siteCode: "BENCH" });
  const parseMs = performance.now() - t;
  const servers = new Map<string, number>();
  for (const s of parsed.rows.samples) {
    if (servers.has(s.server)) continue;
    const [row] = await db
      .insert(schema.servers)
      .values({ siteId: site.id, name: s.server, ip: s.ip })
      .returning({ id: schema.servers.id });
    servers.set(s.server, row?.id as number);
  }
  let copyText = "";
  for (const r of parsed.rows.samples) {
    const at = new Date(`${r.local.replace(" ", "T")}+08:00`).toISOString();
    copyText += `${servers.get(r.server)}\t${r.kind}\t${r.mount}\t${at}\t${r.v1}\t${r.v2}\t${r.v3 ?? "\\N"}\t${r.v4 ?? "\\N"}\n`;
  }
  t = performance.now();
  const sink = await sqlc`copy samples (server_id, kind, mount, at, v1, v2, v3, v4) from stdin`.writable();
  for (let i = 0; i < copyText.length; i += 1 << 20) {
    if (!sink.write(copyText.slice(i, i + (1 << 20)))) await new Promise((r) => sink.once("drain", r));
  }
  await new Promise<void>((resolve, reject) => sink.end((e?: Error | null) => (e ? reject(e) : resolve())));
  await new Promise((r) => setTimeout(r, 0));
  const copyMs = performance.now() - t;
  const [copied] = await sqlc<{ n: number }[]>`select count(*)::int as n from samples`;
  await sqlc`truncate samples`;
  copyText = "";

  t = performance.now();
  const first = await ingestFile(db, site, file);
  const ingestMs = performance.now() - t;
  t = performance.now();
  const again = await ingestFile(db, site, file);
  const reingestMs = performance.now() - t;
  const [stored] = await sqlc<{ n: number }[]>`select count(*)::int as n from samples`;

  // 30 days of 1-minute cpu samples for one server, through the ingest (raw + hourly roll-up).
  const end = Date.UTC(2025, 5, 1);
  const start = end - 30 * 86400_000;
  const chartLines: string[] = [];
  for (let m = 0; m < 30 * 1440; m++) {
    const idle = 40 + ((m * 37) % 50);
    chartLines.push(
      `chart|10.9.9.9|BENCH|cpu|${(100 - idle) / 2}|${(100 - idle) / 2}|0.5|${idle}|${wall(start + m * 60_000 + 8 * 3600_000)}`,
    );
  }
  await ingestFile(db, site, Buffer.from(`${chartLines.join("\n")}\n`));
  const [chart] = await db
    .select({ id: schema.servers.id })
    .from(schema.servers)
    .where(eq(schema.servers.name, "chart"));
  await sqlc`analyze samples`;
  await sqlc`analyze samples_hourly`;
  const { seriesQuery } = await import("../server/sites/series");
  const ranges: [string, number][] = [
    ["1h", 3600_000],
    ["6h", 6 * 3600_000],
    ["24h", 86400_000],
    ["7d", 7 * 86400_000],
    ["30d", 30 * 86400_000],
  ];
  const queryStats: Record<string, ReturnType<typeof summarize> & { points: number }> = {};
  const all: number[] = [];
  for (const [label, span] of ranges) {
    const times: number[] = [];
    let points = 0;
    for (let i = 0; i < QUERIES; i++) {
      const to = end - ((i * 7919) % 10) * (span === 30 * 86400_000 ? 0 : 3600_000);
      const q0 = performance.now();
      const rows = await seriesQuery(db, {
        serverId: chart?.id as number,
        kind: "cpu",
        mount: "",
        from: new Date(to - span),
        to: new Date(to),
        points: 1000,
      });
      times.push(performance.now() - q0);
      points = rows.length;
    }
    all.push(...times);
    queryStats[label] = { ...summarize(times), points };
  }
  if (process.env.BENCH_EXPLAIN) {
    // Where a chart query's time goes (BENCH_EXPLAIN=1): the plan of each range, once.
    const { seriesSql } = await import("../server/sites/series");
    const { sql: dsql } = await import("drizzle-orm");
    for (const [label, span] of ranges) {
      const { query } = seriesSql({
        serverId: chart?.id as number,
        kind: "cpu",
        mount: "",
        from: new Date(end - span),
        to: new Date(end),
        points: 1000,
      });
      const plan = await db.execute<{ "QUERY PLAN": string }>(dsql`explain (analyze, buffers) ${query}`);
      console.log(`-- ${label}\n${[...plan].map((r) => r["QUERY PLAN"]).join("\n")}`);
    }
  }
  const copyRate = ((copied?.n ?? 0) / copyMs) * 1000;
  const ingestRate = (LINES / ingestMs) * 1000;
  const overall = summarize(all);
  report(
    "sites",
    [
      ["lines", LINES],
      ["plain COPY rows/s", Math.round(copyRate)],
      ["ingest lines/s", Math.round(ingestRate)],
      ["ingest / COPY", ratio(ingestRate, copyRate)],
      ["of which parsing (s)", round(parseMs / 1000)],
      ["rows stored", `${stored?.n} (new ${first.samples}, bad ${first.bad})`],
      ["re-ingest s (added)", `${round(reingestMs / 1000)} (${again.samples})`],
      ...ranges.map(([l]): [string, string] => [
        `chart ${l} p50/p95 ms (points)`,
        `${queryStats[l]?.p50} / ${queryStats[l]?.p95} (${queryStats[l]?.points})`,
      ]),
    ],
    {
      lines: LINES,
      copy_rows_per_s: Math.round(copyRate),
      ingest_lines_per_s: Math.round(ingestRate),
      ingest_vs_copy: ratio(ingestRate, copyRate),
      ingest_target_met: ingestRate >= 0.5 * copyRate,
      ingest_s: round(ingestMs / 1000),
      parse_s: round(parseMs / 1000),
      copy_s: round(copyMs / 1000),
      reingest_s: round(reingestMs / 1000),
      reingest_added: again.samples,
      stored: stored?.n,
      chart_ms: queryStats,
      chart_p95_ms: overall.p95,
      chart_target_met: overall.p95 < 50,
    },
  );
} finally {
  await sqlc.end({ timeout: 5 });
  await bench.close();
}
