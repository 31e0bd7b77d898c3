/**
 * Issue 12 (bench: ingest ≥ 0.5× COPY): new samples are COPYed straight into `samples`, others
 * go through the stage and ON CONFLICT. Whichever path a batch takes, each line is stored once
 * and the hourly roll-up equals the raw rows: checked against aggregates of the stored samples.
 */
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../server/db/client";
import { ingestBytes } from "../../server/sites/ingest";
import { callerFor, makeUser } from "../helpers/users";

let site: { id: number; code: string; timezone: string };

const minute = (m: number) => {
  const d = new Date(Date.UTC(2025, 2, 2, 8, 0) + m * 60_000);
  return d.toISOString().slice(0, 19).replace("T", " ");
};
const lines = (from: number, to: number, server = "a1") =>
  Array.from({ length: to - from }, (_, i) => {
    const m = from + i;
    return [
      `${server}|10.0.0.1|IP|cpu|${m % 7}|1|0.5|${90 - (m % 13)}|${minute(m)}`,
      `${server}|10.0.0.1|IP|disk|/|${40 + (m % 5)}|100|${minute(m)}`,
    ].join("\n");
  }).join("\n");

const ingest = async (text: string) =>
  (await ingestBytes(getDb(), site, "info", "system_info_20250302.txt", Buffer.from(text))).counts.samples;

async function check() {
  const [raw] = await getDb().execute<{ n: number }>(sql`select count(*)::int as n from samples`);
  const mismatch = await getDb().execute(sql`
    with r as (
      select server_id, kind, mount, date_trunc('hour', at, 'UTC') as hour, count(*)::int as n,
             sum(v1) as s1, min(v1) as l1, max(v1) as h1, sum(v2) as s2, max(v2) as h2
      from samples group by 1, 2, 3, 4)
    select * from r full join samples_hourly h using (server_id, kind, mount, hour)
    where r.n is distinct from h.n or r.s1 is distinct from h.sum1 or r.l1 is distinct from h.min1
       or r.h1 is distinct from h.max1 or r.s2 is distinct from h.sum2 or r.h2 is distinct from h.max2`);
  return { raw: raw?.n, mismatch: [...mismatch] };
}

beforeAll(async () => {
  const u = await makeUser("admin");
  site = await callerFor(u).sites.create({ code: "IP", name: "paths", timezone: "Asia/Shanghai" });
});

describe("sample ingest paths", () => {
  it("new, repeated, overlapping, duplicated and late lines: each stored once, the roll-up exact", async () => {
    expect(await ingest(lines(0, 90))).toBe(180); // new: COPY
    expect(await check()).toEqual({ raw: 180, mismatch: [] });
    expect(await ingest(lines(0, 90))).toBe(0); // seen: stage, nothing added
    expect(await ingest(lines(60, 150))).toBe(120); // overlapping: stage
    expect(await ingest(lines(150, 200) + "\n" + lines(150, 160))).toBe(100); // duplicates inside: stage
    expect(await ingest(lines(200, 260))).toBe(120); // new again: COPY
    expect(await ingest(lines(30, 40, "a2") + "\n" + lines(260, 270))).toBe(40); // a new server too
    expect(await ingest(lines(10, 20, "a2"))).toBe(20); // late lines of a server: stage
    expect(await check()).toEqual({ raw: 2 * 270 + 2 * 20, mismatch: [] });
    const [last] = await getDb().execute<{ at: Date }>(
      sql`select last_sample_at as at from servers where name = 'a1'`,
    );
    expect(new Date(last?.at as Date).toISOString()).toBe(
      new Date(`${minute(269).replace(" ", "T")}+08:00`).toISOString(),
    );
  });
});
