/**
 * Issue 12: chart data is downsampled in SQL — at most `points` buckets, each with the right
 * min / avg / max — from the raw samples for short ranges and from the hourly roll-up for long
 * ones; the roll-up counts each stored line once, however often it is ingested.
 */
import { sql } from "drizzle-orm";
import { beforeAll, expect, it } from "vitest";
import { getDb } from "../../server/db/client";
import { sites } from "../../server/db/schema";
import { ingestBytes } from "../../server/sites/ingest";
import { seriesQuery } from "../../server/sites/series";

const START = Date.UTC(2025, 0, 1); // 08:00 in Shanghai
const MINUTES = 3 * 1440;
/** idle of minute i: a saw-tooth, so every bucket has a known min, max and mean. */
const idle = (i: number) => i % 97;
let serverId: number;
let file: Buffer;

function wall(ms: number) {
  // The site's zone is UTC+8 without DST: its wall clock is UTC + 8 h.
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 19).replace("T", " ");
}

beforeAll(async () => {
  const [site] = await getDb()
    .insert(sites)
    .values({ code: "SERIES", name: "series", timezone: "Asia/Shanghai" })
    .returning();
  const lines: string[] = [];
  for (let i = 0; i < MINUTES; i++) {
    lines.push(`s1|10.0.0.1|SERIES|cpu|${100 - idle(i)}|0|0|${idle(i)}|${wall(START + i * 60_000)}`);
  }
  file = Buffer.from(`${lines.join("\n")}\n`);
  const s = site as { id: number; code: string; timezone: string };
  await ingestBytes(getDb(), s, "info", "system_info_x.txt", file);
  // Again, in two overlapping halves: nothing may count twice.
  await ingestBytes(getDb(), s, "info", "system_info_x.txt", file.subarray(0, file.length / 2 + 100));
  await ingestBytes(getDb(), s, "info", "system_info_x.txt", file);
  const [row] = await getDb().execute<{ id: string }>(sql`select id from servers where name = 's1'`);
  serverId = Number(row?.id);
});

function expected(fromMin: number, toMin: number) {
  const xs = Array.from({ length: toMin - fromMin }, (_, k) => idle(fromMin + k));
  return {
    n: xs.length,
    min: Math.min(...xs),
    max: Math.max(...xs),
    avg: xs.reduce((a, b) => a + b, 0) / xs.length,
  };
}

it("a 24 h range in at most 100 buckets from the raw rows, each with its min / avg / max", async () => {
  const from = new Date(START + 1440 * 60_000);
  const to = new Date(START + 2 * 1440 * 60_000);
  const points = await seriesQuery(getDb(), { serverId, kind: "cpu", mount: "", from, to, points: 100 });
  expect(points.length).toBeLessThanOrEqual(100);
  expect(points.length).toBeGreaterThan(90);
  // Buckets of ceil(86400 / 100) = 864 s; the first covers minutes [1440, 1440 + 14.4).
  const first = points[0];
  const e = expected(1440, 1440 + 15);
  expect(first?.n).toBe(e.n);
  expect(first?.min[3]).toBe(e.min);
  expect(first?.max[3]).toBe(e.max);
  expect(first?.avg[3]).toBeCloseTo(e.avg, 9);
  expect(points.reduce((a, p) => a + p.n, 0)).toBe(1440);
});

it("a 30 d range reads the hourly roll-up: an hour a point, the same figures, each line once", async () => {
  const from = new Date(START);
  const to = new Date(START + 30 * 86400_000);
  const points = await seriesQuery(getDb(), { serverId, kind: "cpu", mount: "", from, to, points: 1000 });
  expect(points.length).toBe(72);
  expect(points.reduce((a, p) => a + p.n, 0)).toBe(MINUTES);
  for (const h of [0, 17, 71]) {
    const e = expected(h * 60, h * 60 + 60);
    const p = points[h];
    expect(p?.at.getTime()).toBe(START + h * 3600_000);
    expect([p?.n, p?.min[3], p?.max[3]]).toEqual([e.n, e.min, e.max]);
    expect(p?.avg[3]).toBeCloseTo(e.avg, 9);
  }
});
