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
import { pruneSites } from "../../server/sites/retention";
import { seriesQuery } from "../../server/sites/series";
import { siteReport } from "../../server/sites/sites";

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

it("retention: raw samples go after their days, the hourly roll-up stays; stale open alarms go after 2 days", async () => {
  const db = getDb();
  const [site] = await db.execute<{ id: string }>(sql`select id from sites where code = 'SERIES'`);
  const siteId = Number(site?.id);
  const now = new Date("2025-02-15T00:00:00Z");
  const ago = (d: number) => new Date(now.getTime() - d * 86400_000).toISOString();
  await db.execute(sql`
    insert into alarms (site_id, name, node, raised_at, resumed_at, last_record_at) values
      (${siteId}, 'stale', 'n', ${ago(5)}::timestamptz, null, ${ago(3)}::timestamptz),
      (${siteId}, 'fresh', 'n', ${ago(5)}::timestamptz, null, ${ago(1)}::timestamptz),
      (${siteId}, 'old resumed', 'n', ${ago(50)}::timestamptz, ${ago(40)}::timestamptz, ${ago(40)}::timestamptz),
      (${siteId}, 'recent resumed', 'n', ${ago(5)}::timestamptz, ${ago(3)}::timestamptz, ${ago(3)}::timestamptz)`);
  const r = await pruneSites(db, { sampleDays: 30, hourlyDays: 400, alarmDays: 30 }, now);
  expect(r).toMatchObject({ samples: MINUTES, hourly: 0, alarms: 2 });
  const left = await db.execute<{ name: string }>(sql`select name from alarms order by name`);
  expect([...left].map((a) => a.name)).toEqual(["fresh", "recent resumed"]);
  // The long chart still answers from the roll-up.
  const points = await seriesQuery(db, {
    serverId,
    kind: "cpu",
    mount: "",
    from: new Date(START),
    to: new Date(START + 30 * 86400_000),
    points: 1000,
  });
  expect(points.reduce((a, p) => a + p.n, 0)).toBe(MINUTES);
});

it("the site report: the day's latest counters, day over day and week over week", async () => {
  const db = getDb();
  const [site] = await db.execute<{ id: string }>(sql`select id from sites where code = 'SERIES'`);
  const s = { id: Number(site?.id), code: "SERIES", timezone: "Asia/Shanghai" };
  const lines: string[] = [];
  for (let d = 1; d <= 9; d++) {
    const day = `2025-03-0${d}`;
    // An early line and the day's last one: the last counts.
    lines.push(`SERIES|1|1|1|1|1|1|1|${day} 01:00:00`);
    lines.push(`SERIES|${d * 10}|${d}|${1000 + d}|${d * 100}|5|6|7|${day} 23:30:00`);
  }
  await ingestBytes(db, s, "service", "system_service_x.txt", Buffer.from(lines.join("\n")));
  const r = await siteReport(
    db,
    { id: null, role: "admin" },
    { id: s.id, days: 3 },
    new Date("2025-03-10T00:00:00Z"),
  );
  expect(r.days.map((d) => d.day)).toEqual(["2025-03-09", "2025-03-08", "2025-03-07"]);
  const top = r.days[0];
  expect(top?.values).toMatchObject({ subUsers: 90, unsubUsers: 9, totalUsers: 1009, mtTimes: 7 });
  expect(top?.dayOverDay.subUsers).toBe(12.5); // 90 against 80
  expect(top?.weekOverWeek.subUsers).toBe(350); // 90 against 20 on 2 March
  expect(top?.dayOverDay.showTimes).toBe(0);
  expect(r.days[2]?.weekOverWeek.subUsers).toBeNull(); // no 28 February
  // Out of scope reads as not found.
  await expect(siteReport(db, { id: 999_999, role: "viewer" }, { id: s.id })).rejects.toThrow(/not found/);
});
