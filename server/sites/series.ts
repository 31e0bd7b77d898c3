/**
 * Chart data for a server, downsampled in Postgres: the range is cut into at most `points`
 * equal buckets and each bucket answers min / avg / max of every value, so a chart never ships
 * more than about 1,000 points per series whatever the range (issue 12).
 */
import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "../db/client";
import { servers, sites } from "../db/schema";
import { zodText } from "../i18n/errors";
import { SAMPLE_KINDS } from "../lib/enums";
import { notFound } from "../lib/errors";
import { type SiteViewer, siteScope } from "./sites";

export const ZSeriesFields = z.object({
  serverId: z.number().int().positive(),
  kind: z.enum(SAMPLE_KINDS),
  /** The disk's mount (disk only). */
  mount: z.string().max(500).default(""),
  from: z.coerce.date({ error: "not a date" }),
  to: z.coerce.date({ error: "not a date" }),
  points: z.number().int().min(10).max(2000).default(1000),
});
export const ZSeriesInput = ZSeriesFields.refine((v) => v.to.getTime() > v.from.getTime(), {
  path: ["to"],
  message: zodText("afterFrom"),
});
export type SeriesInput = z.input<typeof ZSeriesInput>;

export type SeriesPoint = {
  at: Date;
  n: number;
  avg: [number, number, number | null, number | null];
  min: [number, number, number | null, number | null];
  max: [number, number, number | null, number | null];
};

/** The server if its site is in the viewer's scope, else NOT_FOUND. */
export async function visibleServer(db: DbOrTx, viewer: SiteViewer, serverId: number) {
  const [row] = await db
    .select({
      id: servers.id,
      siteId: servers.siteId,
      name: servers.name,
      ip: servers.ip,
      timezone: sites.timezone,
    })
    .from(servers)
    .innerJoin(sites, eq(sites.id, servers.siteId))
    .where(and(eq(servers.id, serverId), siteScope(viewer)));
  if (!row) throw notFound("server", serverId);
  return row;
}

export async function serverSeries(
  db: DbOrTx,
  viewer: SiteViewer,
  input: SeriesInput,
): Promise<SeriesPoint[]> {
  const o = ZSeriesInput.parse(input);
  await visibleServer(db, viewer, o.serverId);
  return seriesQuery(db, o);
}

/**
 * Charts read the coarsest table that still draws the range with enough points: the hourly
 * roll-up from 150 hours on (7 d = 168 points, 30 d = 720, 90 d = 1,000 buckets of 3 h),
 * raw samples below. EXPLAIN showed the query itself is cheap either way (≤ 26 ms for 10,080
 * raw rows of 7 d, ~1 ms for 720 hourly rows): the time is in the rows shipped and decoded,
 * so fewer rows is what makes a chart fast.
 */
export const HOURLY_MIN_POINTS = 150;
export const HOURLY_FROM_MS = HOURLY_MIN_POINTS * 3600_000;
/** The seed's files carry a line a minute: a raw bucket wider than that is a whole number of minutes. */
const SAMPLE_STEP_S = 60;

/**
 * The query alone (the benchmark times it): buckets of `(to − from) / points` seconds, from the
 * raw samples, or from the hourly roll-up for long ranges (then at least an hour a bucket).
 */
export async function seriesQuery(db: DbOrTx, o: z.output<typeof ZSeriesInput>): Promise<SeriesPoint[]> {
  const { query, from, width } = seriesSql(o);
  // The buckets come back as one text (rows `;`, values `,`, "n" for null): decoding 14
  // columns of up to 1,000 rows cost more than the query itself (bench/sites.ts).
  const [row] = await db.execute<{ t: string | null }>(sql`
    select string_agg(concat_ws(',', b, n, ${sql.raw(PACKED.map((c) => `coalesce(${c}::text, 'n')`).join(", "))}), ';' order by b) as t
    from (${query}) q`);
  if (!row?.t) return [];
  const num = (v: string | undefined) => (v === undefined || v === "n" ? null : Number(v));
  return row.t.split(";").map((line) => {
    const v = line.split(",");
    return {
      at: new Date((from + Number(v[0]) * width) * 1000),
      n: Number(v[1]),
      avg: [num(v[2]) ?? 0, num(v[3]) ?? 0, num(v[4]), num(v[5])],
      min: [num(v[6]) ?? 0, num(v[7]) ?? 0, num(v[8]), num(v[9])],
      max: [num(v[10]) ?? 0, num(v[11]) ?? 0, num(v[12]), num(v[13])],
    };
  });
}

const PACKED = ["a1", "a2", "a3", "a4", "l1", "l2", "l3", "l4", "h1", "h2", "h3", "h4"];

/** The statement alone (the benchmark EXPLAINs it), with the bucket origin and width in seconds. */
export function seriesSql(o: z.output<typeof ZSeriesInput>) {
  const from = Math.floor(o.from.getTime() / 1000);
  const span = Math.ceil(o.to.getTime() / 1000) - from;
  const hourly = span * 1000 >= HOURLY_FROM_MS;
  const raw = Math.max(1, Math.ceil(span / o.points));
  const width = hourly
    ? Math.max(3600, Math.ceil(span / o.points / 3600) * 3600)
    : raw > SAMPLE_STEP_S
      ? Math.ceil(raw / SAMPLE_STEP_S) * SAMPLE_STEP_S
      : raw;
  const range = sql`server_id = ${o.serverId} and kind = ${o.kind} and mount = ${o.mount}`;
  const query = hourly
    ? sql`
    select greatest(0, (extract(epoch from hour)::bigint - ${from}::bigint) / ${width}::int)::int as b, sum(n)::int as n,
      sum(sum1) / sum(n) as a1, sum(sum2) / sum(n) as a2, sum(sum3) / sum(n) as a3, sum(sum4) / sum(n) as a4,
      min(min1) as l1, min(min2) as l2, min(min3) as l3, min(min4) as l4,
      max(max1) as h1, max(max2) as h2, max(max3) as h3, max(max4) as h4
    from samples_hourly
    where ${range}
      and hour >= date_trunc('hour', ${o.from.toISOString()}::timestamptz, 'UTC')
      and hour < ${o.to.toISOString()}::timestamptz
    group by 1`
    : sql`
    select ((extract(epoch from at)::bigint - ${from}::bigint) / ${width}::int)::int as b, count(*)::int as n,
      avg(v1) as a1, avg(v2) as a2, avg(v3) as a3, avg(v4) as a4,
      min(v1) as l1, min(v2) as l2, min(v3) as l3, min(v4) as l4,
      max(v1) as h1, max(v2) as h2, max(v3) as h3, max(v4) as h4
    from samples
    where ${range}
      and at >= ${o.from.toISOString()}::timestamptz and at < ${o.to.toISOString()}::timestamptz
    group by 1`;
  return { query, from, width };
}

/** A server's disks (mounts seen in the range), for the chart's series list. */
export async function serverMounts(db: DbOrTx, viewer: SiteViewer, serverId: number): Promise<string[]> {
  await visibleServer(db, viewer, serverId);
  const rows = await db.execute<{ mount: string }>(sql`
    select distinct mount from samples where server_id = ${serverId} and kind = 'disk' order by mount`);
  return [...rows].map((r) => r.mount);
}

/** A server's running nodes: the latest state of each (only the latest is kept). */
export async function serverNodesOf(db: DbOrTx, viewer: SiteViewer, serverId: number) {
  await visibleServer(db, viewer, serverId);
  const rows = await db.execute<{ node: string; state: string; at: string | Date }>(sql`
    select node, state, at from server_nodes where server_id = ${serverId} order by node`);
  return [...rows].map((r) => ({ node: r.node, state: r.state, at: new Date(r.at) }));
}
