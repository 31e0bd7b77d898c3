/**
 * Writing parsed site lines, in bulk and idempotently (seed 001: 插入数据前判断数据是否已存在，
 * 只插入不同数据). Every table has the line's natural key as its unique key and every write
 * ends in ON CONFLICT, so a re-pull, an overlap, or a push of a file already pulled adds
 * nothing. Samples (the big file) go through COPY into a temporary table and one insert-select;
 * the small files through unnest() arrays. Wall-clock times become instants here, in Postgres,
 * with the site's zone.
 */
import type { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Sql, TransactionSql } from "postgres";
import type { Db } from "../db/client";
import type { SiteFileKind } from "../lib/enums";
import { zoneOffsetMs } from "../lib/local-time";
import { noteSiteAlarms } from "./alarm-notify";
import { badReasonText } from "./bad-lines";
import {
  type AlarmLine,
  type BadLine,
  decode,
  type Encoding,
  type InfoRows,
  type NodeLine,
  parseFile,
  type SampleLine,
  type ServiceLine,
} from "./parse";

export type IngestSite = { id: number; code: string; timezone: string };

export type IngestCounts = {
  /** Lines read (blank ones included, as they count for line numbers). */
  lines: number;
  bad: number;
  /** Rows that were new; the rest were already stored. */
  samples: number;
  nodes: number;
  alarmsNew: number;
  alarmsUpdated: number;
  counters: number;
};

export const emptyCounts = (): IngestCounts => ({
  lines: 0,
  bad: 0,
  samples: 0,
  nodes: 0,
  alarmsNew: 0,
  alarmsUpdated: 0,
  counters: 0,
});

export function addCounts(a: IngestCounts, b: IngestCounts): IngestCounts {
  return {
    lines: a.lines + b.lines,
    bad: a.bad + b.bad,
    samples: a.samples + b.samples,
    nodes: a.nodes + b.nodes,
    alarmsNew: a.alarmsNew + b.alarmsNew,
    alarmsUpdated: a.alarmsUpdated + b.alarmsUpdated,
    counters: a.counters + b.counters,
  };
}

/** Rows per COPY / insert-select: bounded memory and transaction size for a large backfill. */
export const SAMPLE_BATCH = 50_000;
const SMALL_BATCH = 5_000;

/**
 * A Postgres array literal (`{"a","b",NULL}`), sent as one untyped parameter and cast in SQL
 * (`::text[]`, `::timestamp[]`): postgres.js would need its type catalogue to send JS arrays.
 */
export function pgArray(values: readonly (string | number | null)[]): string {
  let out = "{";
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i) out += ",";
    if (v === null || v === undefined) out += "NULL";
    else if (typeof v === "number") out += String(v);
    else out += `"${v.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
  }
  return `${out}}`;
}

/**
 * One chunk of complete lines of a file: decode, parse, store. `firstLineNo` numbers the
 * chunk's first line within its file (bad lines keep their real line numbers).
 */
export async function ingestBytes(
  db: Db,
  site: IngestSite,
  kind: SiteFileKind,
  file: string,
  bytes: Buffer,
  opts: { firstLineNo?: number; encoding?: Encoding | null } = {},
): Promise<{ counts: IngestCounts; encoding: Encoding | null }> {
  const { text, encoding } = decode(bytes, opts.encoding);
  const parsed = parseFile(kind, text, { siteCode: site.code, firstLineNo: opts.firstLineNo ?? 1 });
  const sql = db.$client;
  const counts = emptyCounts();
  counts.lines = parsed.lines;
  counts.bad = parsed.bad.length;
  await storeBadLines(sql, site.id, file, parsed.bad);
  if (parsed.kind === "info") Object.assign(counts, await storeInfo(sql, site, parsed.rows));
  else if (parsed.kind === "alarm") {
    const r = await storeAlarms(sql, site, parsed.rows);
    counts.alarmsNew = r.inserted;
    counts.alarmsUpdated = r.updated;
    if (r.inserted || r.updated) await noteSiteAlarms(db, site, r.opened);
  } else counts.counters = await storeCounters(sql, site, parsed.rows);
  return { counts, encoding: encoding ?? opts.encoding ?? null };
}

export async function storeBadLines(sql: Sql, siteId: number, file: string, bad: BadLine[]) {
  for (let i = 0; i < bad.length; i += SMALL_BATCH) {
    const part = bad.slice(i, i + SMALL_BATCH);
    await sql`
      insert into site_bad_lines (site_id, file, line_no, reason, reason_code, reason_params, raw)
      select ${siteId}, ${file}, x.line_no, x.reason, x.code, x.params::jsonb, x.raw
      from unnest(${pgArray(part.map((b) => b.lineNo))}::int[],
                  ${pgArray(part.map((b) => badReasonText(b.reason, "en")))}::text[],
                  ${pgArray(part.map((b) => b.reason.code))}::text[],
                  ${pgArray(part.map((b) => JSON.stringify(b.reason.params ?? {})))}::text[],
                  ${pgArray(part.map((b) => b.raw))}::text[]) as x(line_no, reason, code, params, raw)
      on conflict (site_id, file, line_no) do nothing`;
  }
}

/** Servers by name, created when first seen; their ip follows the newest data. */
export async function serverIds(
  sql: Sql | TransactionSql,
  siteId: number,
  seen: Map<string, string>,
): Promise<Map<string, number>> {
  const names = [...seen.keys()];
  const ips = names.map((n) => seen.get(n) ?? "");
  const rows = await sql<{ id: string; name: string }[]>`
    insert into servers (site_id, name, ip)
    select ${siteId}, x.name, x.ip from unnest(${pgArray(names)}::text[], ${pgArray(ips)}::text[]) as x(name, ip)
    on conflict (site_id, name) do update set ip = excluded.ip
    returning id, name`;
  return new Map(rows.map((r) => [r.name, Number(r.id)]));
}

function serversOf(rows: { server: string; ip: string }[]): Map<string, string> {
  const seen = new Map<string, string>();
  for (const r of rows) if (r.ip || !seen.has(r.server)) seen.set(r.server, r.ip);
  return seen;
}

const NEEDS_ESCAPE = /[\\\t\n\r]/;
function copyText(s: string): string {
  return NEEDS_ESCAPE.test(s)
    ? s.replaceAll("\\", "\\\\").replaceAll("\t", "\\t").replaceAll("\n", "\\n").replaceAll("\r", "\\r")
    : s;
}

/** The COPY text of sample rows: server_id, kind, mount, local time, v1..v4. */
export function sampleCopyText(rows: SampleLine[], ids: Map<string, number>): string {
  let out = "";
  for (const r of rows) {
    out += `${ids.get(r.server)}\t${r.kind}\t${copyText(r.mount)}\t${r.local}\t${r.v1}\t${r.v2}\t${
      r.v3 ?? "\\N"
    }\t${r.v4 ?? "\\N"}\n`;
  }
  return out;
}

async function copyInto(tx: TransactionSql, statement: string, text: string) {
  const sink = (await tx.unsafe(statement).writable()) as Writable;
  await pipeline(
    (async function* () {
      // Big strings in slices: the socket takes them without one giant buffer copy.
      for (let i = 0; i < text.length; i += 1 << 20) yield text.slice(i, i + (1 << 20));
    })(),
    sink,
  );
}

async function storeInfo(sql: Sql, site: IngestSite, rows: InfoRows) {
  let samples = 0;
  let nodes = 0;
  if (rows.samples.length) {
    const ids = await serverIds(sql, site.id, serversOf(rows.samples));
    for (let i = 0; i < rows.samples.length; i += SAMPLE_BATCH) {
      samples += await storeSampleBatch(sql, site, rows.samples.slice(i, i + SAMPLE_BATCH), ids);
    }
  }
  if (rows.nodes.length) nodes = await storeNodes(sql, site, rows.nodes);
  return { samples, nodes };
}

/**
 * A batch of samples, in one transaction holding the site's sample lock (pulls and pushes of
 * one site write one at a time). New data — every line later than all its server has stored,
 * the usual case of an incremental pull or a backfill — is COPYed straight into `samples`, the
 * table's fastest write; a batch with a line that may have been seen, or a duplicate inside it,
 * goes through the stage and ON CONFLICT instead. Either way each line is stored once and the hourly roll-up takes exactly
 * the rows that were new.
 */
async function storeSampleBatch(sql: Sql, site: IngestSite, rows: SampleLine[], ids: Map<string, number>) {
  return sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(hashtext('kairos_site_samples'), ${site.id}::int)`;
    const fresh = await freshSeries(tx, site, rows, ids);
    if (fresh) {
      await copySamples(tx, site, rows, ids, fresh);
      return rows.length;
    }
    return stageSamples(tx, site, rows, ids);
  });
}

type Series = { serverId: number; kind: string; mount: string; after: string | null; maxLocal: string };

/**
 * The batch's series (server, kind, mount) with the instant after which it is all new, if
 * every line of the batch is later, as wall time in the site's zone, than the newest sample
 * its server has stored (servers.last_sample_at, read back in that zone), no two lines of it
 * are the same sample, and no daylight-saving change falls within it; else null. Wall time
 * maps to instants monotonically, so a later wall time is never an instant already stored; and
 * without a DST change two different wall times are two different instants. (A COPY that hit
 * the primary key would abort the transaction: this is decided before.)
 */
async function freshSeries(
  tx: TransactionSql,
  site: IngestSite,
  rows: SampleLine[],
  ids: Map<string, number>,
): Promise<Series[] | null> {
  const serverIds = [...new Set(rows.map((r) => ids.get(r.server) ?? 0))];
  const stored = await tx<{ id: string; last_local: string | null; last: Date | null }[]>`
    select id, to_char(last_sample_at at time zone ${site.timezone}, 'YYYY-MM-DD HH24:MI:SS') as last_local,
           last_sample_at as last
    from servers where id in ${tx(serverIds)}`;
  const last = new Map(stored.map((r) => [Number(r.id), r]));
  const series = new Map<string, Series>();
  const seen = new Set<string>();
  let minLocal = "9999";
  let maxLocal = "";
  for (const r of rows) {
    const serverId = ids.get(r.server) ?? 0;
    const had = last.get(serverId);
    if (had?.last_local && r.local <= had.last_local) return null;
    const sample = `${serverId}\u0000${r.kind}\u0000${r.mount}\u0000${r.local}`;
    if (seen.has(sample)) return null;
    seen.add(sample);
    if (r.local < minLocal) minLocal = r.local;
    if (r.local > maxLocal) maxLocal = r.local;
    const key = `${serverId}\u0000${r.kind}\u0000${r.mount}`;
    const s = series.get(key);
    if (!s) {
      series.set(key, {
        serverId,
        kind: r.kind,
        mount: r.mount,
        after: had?.last ? new Date(had.last).toISOString() : null,
        maxLocal: r.local,
      });
    } else if (r.local > s.maxLocal) s.maxLocal = r.local;
  }
  if (!sameOffsetAcross(site.timezone, minLocal, maxLocal)) return null;
  return [...series.values()];
}

/** Whether the zone keeps one UTC offset from a day before `fromLocal` to a day after `toLocal`. */
function sameOffsetAcross(timeZone: string, fromLocal: string, toLocal: string): boolean {
  const from = Date.parse(`${fromLocal.replace(" ", "T")}Z`) - 86400_000;
  const to = Date.parse(`${toLocal.replace(" ", "T")}Z`) + 86400_000;
  // Two changes of offset cannot both fall within a month (DST changes are months apart).
  if (!(to - from < 31 * 86400_000)) return false;
  return zoneOffsetMs(new Date(from), timeZone) === zoneOffsetMs(new Date(to), timeZone);
}

/** COPY into `samples` (wall times read in the site's zone), then roll up what was copied. */
async function copySamples(
  tx: TransactionSql,
  site: IngestSite,
  rows: SampleLine[],
  ids: Map<string, number>,
  series: Series[],
) {
  // COPY reads a zone-less time in the session's zone: the same conversion as `at time zone`.
  await tx`select set_config('TimeZone', ${site.timezone}, true)`;
  await copyInto(
    tx,
    "copy samples (server_id, kind, mount, at, v1, v2, v3, v4) from stdin",
    sampleCopyText(rows, ids),
  );
  await tx`select set_config('TimeZone', 'UTC', true)`;
  await tx`
    insert into samples_hourly as h (server_id, kind, mount, hour, n, sum1, sum2, sum3, sum4,
                                     min1, min2, min3, min4, max1, max2, max3, max4)
    select s.server_id, s.kind, s.mount, date_trunc('hour', s.at, 'UTC'), count(*), sum(v1), sum(v2), sum(v3), sum(v4),
           min(v1), min(v2), min(v3), min(v4), max(v1), max(v2), max(v3), max(v4)
    from unnest(${pgArray(series.map((x) => x.serverId))}::bigint[], ${pgArray(series.map((x) => x.kind))}::sample_kind[],
                ${pgArray(series.map((x) => x.mount))}::text[], ${pgArray(series.map((x) => x.after))}::timestamptz[])
      as c(server_id, kind, mount, after)
    join samples s on s.server_id = c.server_id and s.kind = c.kind and s.mount = c.mount
                  and s.at > coalesce(c.after, '-infinity'::timestamptz)
    group by 1, 2, 3, 4
    on conflict (server_id, kind, mount, hour) do update set
      n = h.n + excluded.n,
      sum1 = h.sum1 + excluded.sum1, sum2 = h.sum2 + excluded.sum2,
      sum3 = case when excluded.sum3 is null then h.sum3 else coalesce(h.sum3, 0) + excluded.sum3 end,
      sum4 = case when excluded.sum4 is null then h.sum4 else coalesce(h.sum4, 0) + excluded.sum4 end,
      min1 = least(h.min1, excluded.min1), min2 = least(h.min2, excluded.min2),
      min3 = least(h.min3, excluded.min3), min4 = least(h.min4, excluded.min4),
      max1 = greatest(h.max1, excluded.max1), max2 = greatest(h.max2, excluded.max2),
      max3 = greatest(h.max3, excluded.max3), max4 = greatest(h.max4, excluded.max4)`;
  await tx`
    update servers s set last_sample_at = greatest(s.last_sample_at, x.local at time zone ${site.timezone})
    from (select server_id, max(local) as local
          from unnest(${pgArray(series.map((x) => x.serverId))}::bigint[], ${pgArray(series.map((x) => x.maxLocal))}::timestamp[])
            as u(server_id, local) group by server_id) x
    where s.id = x.server_id`;
}

/** Lines that may have been seen: through a stage and ON CONFLICT DO NOTHING. */
async function stageSamples(
  tx: TransactionSql,
  site: IngestSite,
  rows: SampleLine[],
  ids: Map<string, number>,
) {
  {
    await tx`
      create temp table if not exists sample_stage (
        server_id bigint, kind sample_kind, mount text, local timestamp,
        v1 float8, v2 float8, v3 float8, v4 float8
      ) on commit delete rows`;
    await copyInto(tx, "copy sample_stage from stdin", sampleCopyText(rows, ids));
    // The hourly roll-up takes exactly the rows that were new (RETURNING), so it stays right
    // however often the same lines come back.
    const [r] = await tx<{ inserted: number }[]>`
      with ins as (
        insert into samples (server_id, kind, mount, at, v1, v2, v3, v4)
        select server_id, kind, mount, local at time zone ${site.timezone}, v1, v2, v3, v4
        from sample_stage
        on conflict do nothing
        returning server_id, kind, mount, at, v1, v2, v3, v4
      ), hourly as (
        insert into samples_hourly as h (server_id, kind, mount, hour, n, sum1, sum2, sum3, sum4,
                                         min1, min2, min3, min4, max1, max2, max3, max4)
        select server_id, kind, mount, date_trunc('hour', at, 'UTC'), count(*), sum(v1), sum(v2), sum(v3), sum(v4),
               min(v1), min(v2), min(v3), min(v4), max(v1), max(v2), max(v3), max(v4)
        from ins group by 1, 2, 3, 4
        on conflict (server_id, kind, mount, hour) do update set
          n = h.n + excluded.n,
          sum1 = h.sum1 + excluded.sum1, sum2 = h.sum2 + excluded.sum2,
          sum3 = case when excluded.sum3 is null then h.sum3 else coalesce(h.sum3, 0) + excluded.sum3 end,
          sum4 = case when excluded.sum4 is null then h.sum4 else coalesce(h.sum4, 0) + excluded.sum4 end,
          min1 = least(h.min1, excluded.min1), min2 = least(h.min2, excluded.min2),
          min3 = least(h.min3, excluded.min3), min4 = least(h.min4, excluded.min4),
          max1 = greatest(h.max1, excluded.max1), max2 = greatest(h.max2, excluded.max2),
          max3 = greatest(h.max3, excluded.max3), max4 = greatest(h.max4, excluded.max4)
        returning 1
      )
      select (select count(*) from ins)::int as inserted, (select count(*) from hourly)::int as hours`;
    await tx`
      update servers s set last_sample_at = x.at
      from (select server_id, max(local) at time zone ${site.timezone} as at
            from sample_stage group by server_id) x
      where s.id = x.server_id and (s.last_sample_at is null or s.last_sample_at < x.at)`;
    return r?.inserted ?? 0;
  }
}

/** Running nodes: only each node's latest state is kept (seed: 对运行节点只保留最近数据). */
async function storeNodes(sql: Sql, site: IngestSite, rows: NodeLine[]): Promise<number> {
  const ids = await serverIds(sql, site.id, serversOf(rows));
  // One row per node in a statement (ON CONFLICT cannot touch a row twice): the newest line.
  const latest = new Map<string, NodeLine>();
  for (const r of rows) {
    const key = `${r.server}\u0000${r.node}`;
    const had = latest.get(key);
    if (!had || had.local <= r.local) latest.set(key, r);
  }
  const list = [...latest.values()];
  let n = 0;
  for (let i = 0; i < list.length; i += SMALL_BATCH) {
    const part = list.slice(i, i + SMALL_BATCH);
    const r = await sql`
      insert into server_nodes (server_id, node, state, at)
      select x.server_id, x.node, x.state, x.local at time zone ${site.timezone}
      from unnest(${pgArray(part.map((p) => ids.get(p.server) ?? 0))}::bigint[], ${pgArray(part.map((p) => p.node))}::text[],
                  ${pgArray(part.map((p) => p.state))}::text[], ${pgArray(part.map((p) => p.local))}::timestamp[])
        as x(server_id, node, state, local)
      on conflict (server_id, node) do update set state = excluded.state, at = excluded.at
      where excluded.at > server_nodes.at`;
    n += r.count;
  }
  return n;
}

/**
 * Alarms by identity (site, name, node, raise time — DESIGN). A later line about the same
 * alarm may bring its resume time (also in the next day's file) or a newer record time; a line
 * seen again changes nothing.
 */
export async function storeAlarms(sql: Sql, site: IngestSite, rows: AlarmLine[]) {
  const merged = new Map<string, AlarmLine>();
  for (const r of rows) {
    const key = `${r.name}\u0000${r.node}\u0000${r.raisedLocal}`;
    const had = merged.get(key);
    if (!had) merged.set(key, { ...r });
    else {
      had.resumedLocal ??= r.resumedLocal;
      if (r.recordLocal > had.recordLocal) {
        had.recordLocal = r.recordLocal;
        had.description = r.description;
      }
    }
  }
  const list = [...merged.values()];
  let inserted = 0;
  let updated = 0;
  let opened = 0;
  for (let i = 0; i < list.length; i += SMALL_BATCH) {
    const part = list.slice(i, i + SMALL_BATCH);
    const tz = site.timezone;
    const r = await sql<{ inserted: boolean; open: boolean }[]>`
      insert into alarms (site_id, name, node, raised_at, description, resumed_at, last_record_at)
      select ${site.id}, x.name, x.node, x.raised at time zone ${tz}, x.description,
             x.resumed at time zone ${tz}, x.record at time zone ${tz}
      from unnest(${pgArray(part.map((p) => p.name))}::text[], ${pgArray(part.map((p) => p.node))}::text[],
                  ${pgArray(part.map((p) => p.raisedLocal))}::timestamp[], ${pgArray(part.map((p) => p.description))}::text[],
                  ${pgArray(part.map((p) => p.resumedLocal))}::timestamp[], ${pgArray(part.map((p) => p.recordLocal))}::timestamp[])
        as x(name, node, raised, description, resumed, record)
      on conflict (site_id, name, node, raised_at) do update set
        resumed_at = coalesce(alarms.resumed_at, excluded.resumed_at),
        last_record_at = greatest(alarms.last_record_at, excluded.last_record_at),
        description = case when excluded.last_record_at > alarms.last_record_at
                           then excluded.description else alarms.description end,
        updated_at = now()
      where (alarms.resumed_at is null and excluded.resumed_at is not null)
         or excluded.last_record_at > alarms.last_record_at
      returning (xmax = 0) as inserted, resumed_at is null as open`;
    for (const row of r) {
      if (row.inserted) inserted++;
      else updated++;
      if (row.inserted && row.open) opened++;
    }
  }
  return { inserted, updated, opened };
}

export async function storeCounters(sql: Sql, site: IngestSite, rows: ServiceLine[]): Promise<number> {
  let n = 0;
  for (let i = 0; i < rows.length; i += SMALL_BATCH) {
    const part = rows.slice(i, i + SMALL_BATCH);
    const col = (k: number) => part.map((p) => p.counters[k] ?? 0);
    const r = await sql`
      insert into service_counters
        (site_id, at, sub_users, unsub_users, total_users, call_times, show_times, mo_times, mt_times)
      select ${site.id}, x.local at time zone ${site.timezone}, x.a, x.b, x.c, x.d, x.e, x.f, x.g
      from unnest(${pgArray(part.map((p) => p.local))}::timestamp[], ${pgArray(col(0))}::bigint[], ${pgArray(col(1))}::bigint[],
                  ${pgArray(col(2))}::bigint[], ${pgArray(col(3))}::bigint[], ${pgArray(col(4))}::bigint[], ${pgArray(col(5))}::bigint[],
                  ${pgArray(col(6))}::bigint[]) as x(local, a, b, c, d, e, f, g)
      on conflict (site_id, at) do nothing`;
    n += r.count;
  }
  return n;
}
