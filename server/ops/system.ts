import { readdir, readFile, statfs } from "node:fs/promises";
import os from "node:os";
import { sql } from "drizzle-orm";
import type { DbOrTx } from "../db/client";
import { processesOfRun, thisHost } from "../runs/orphans";
import { listWorkers } from "../workers/heartbeat";

/** Linux's clock ticks per second (USER_HZ): 100 on every mainstream architecture. */
const CLK_TCK = 100;

export type ProcessInfo = { pid: number; name: string; rssBytes: number; cpuPercent: number };

async function readKb(file: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const line of (await readFile(file, "utf8")).split("\n")) {
    const m = /^(\w+(?:\(\w+\))?):\s+(\d+)/.exec(line);
    if (m?.[1] && m[2]) out[m[1]] = Number(m[2]) * 1024;
  }
  return out;
}

/** As free(1) counts: used = total − free − buffers − cache (page cache + reclaimable slab). */
export async function hostMemory() {
  const m = await readKb("/proc/meminfo");
  const total = m.MemTotal ?? os.totalmem();
  const free = m.MemFree ?? os.freemem();
  const buffers = m.Buffers ?? 0;
  const cache = (m.Cached ?? 0) + (m.SReclaimable ?? 0);
  return {
    total,
    free,
    buffersCache: buffers + cache,
    used: Math.max(0, total - free - buffers - cache),
    available: m.MemAvailable ?? free,
  };
}

/**
 * The processes using the most memory (resident set), with their average CPU use over their
 * lifetime, as ps(1) reports %CPU. Read from /proc; processes that end meanwhile are skipped.
 */
export async function topProcesses(limit = 5): Promise<ProcessInfo[]> {
  const uptime = Number((await readFile("/proc/uptime", "utf8")).split(" ")[0]);
  const found: ProcessInfo[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const [stat, status] = await Promise.all([
        readFile(`/proc/${entry}/stat`, "utf8"),
        readFile(`/proc/${entry}/status`, "utf8"),
      ]);
      const rss = /^VmRSS:\s+(\d+) kB/m.exec(status);
      if (!rss?.[1]) continue; // kernel threads have no resident set of their own
      // pid (comm) state …: the name may hold spaces and parentheses.
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      // After the name: state is field 3 of stat(5), so utime (14) is f[11], stime f[12], starttime (22) f[19].
      const cpuSeconds = (Number(f[11]) + Number(f[12])) / CLK_TCK;
      const lived = uptime - Number(f[19]) / CLK_TCK;
      found.push({
        pid: Number(entry),
        name,
        rssBytes: Number(rss[1]) * 1024,
        cpuPercent: lived > 0 ? Math.round((cpuSeconds / lived) * 1000) / 10 : 0,
      });
    } catch {
      // Ended while being read.
    }
  }
  return found.sort((a, b) => b.rssBytes - a.rssBytes).slice(0, limit);
}

export async function hostInfo(dataDir: string) {
  const [memory, top, disk, uptime] = await Promise.all([
    hostMemory(),
    topProcesses(5),
    statfs(dataDir).catch(() => null),
    readFile("/proc/uptime", "utf8").then((t) => Number(t.split(" ")[0])),
  ]);
  const load = os.loadavg();
  return {
    host: os.hostname(),
    platform: `${os.type()} ${os.release()}`,
    cpus: os.cpus().length,
    load: { one: load[0] ?? 0, five: load[1] ?? 0, fifteen: load[2] ?? 0 },
    memory,
    disk: disk
      ? {
          path: dataDir,
          total: disk.blocks * disk.bsize,
          free: disk.bavail * disk.bsize,
          used: (disk.blocks - disk.bfree) * disk.bsize,
        }
      : null,
    uptimeSeconds: Math.round(uptime),
    top,
  };
}

/** Active runs with the process group they run in; on this host, the processes in it. */
export async function runningRuns(db: DbOrTx) {
  const rows = await db.execute<{
    id: string;
    job_id: string;
    job_name: string;
    mode: string;
    status: string;
    worker_id: string | null;
    host: string | null;
    pgid: number | null;
    started_at: string | null;
  }>(sql`
    select r.id, r.job_id, j.name as job_name, j.mode, r.status, r.worker_id, r.host, r.pgid, r.started_at
    from runs r join jobs j on j.id = r.job_id
    where r.status = 'running'
    order by r.id limit 200`);
  const here = thisHost();
  return Promise.all(
    rows.map(async (r) => ({
      id: Number(r.id),
      jobId: Number(r.job_id),
      jobName: r.job_name,
      mode: r.mode,
      workerId: r.worker_id,
      host: r.host,
      pgid: r.pgid,
      startedAt: r.started_at ? new Date(r.started_at) : null,
      /** null: on another host (or no process), so not visible from here. */
      pids: r.pgid !== null && r.host === here ? await processesOfRun(r.pgid, Number(r.id)) : null,
    })),
  );
}

export async function workersWithRuns(db: DbOrTx) {
  const [workers, runs] = await Promise.all([listWorkers(db), runningRuns(db)]);
  return {
    workers: workers.map((w) => ({ ...w, runs: runs.filter((r) => r.workerId === w.id) })),
    // Running with no worker listed (a worker gone for over an hour): still shown, still killable.
    orphans: runs.filter((r) => !workers.some((w) => w.id === r.workerId)),
  };
}

/** The seed's dbinfo: server version, database size, connections, the largest tables. */
export async function databaseInfo(db: DbOrTx) {
  const [[info], connections, tables] = await Promise.all([
    db.execute<{ version: string; size: string; name: string; started: string }>(sql`
      select current_setting('server_version') as version, pg_database_size(current_database())::bigint as size,
             current_database() as name, pg_postmaster_start_time() as started`),
    db.execute<{ app: string; state: string; n: number }>(sql`
      select coalesce(nullif(application_name, ''), '—') as app, coalesce(state, '—') as state, count(*)::int as n
      from pg_stat_activity where datname = current_database()
      group by 1, 2 order by 3 desc, 1 limit 30`),
    db.execute<{ name: string; total: string; rows: string }>(sql`
      select n.nspname || '.' || c.relname as name, pg_total_relation_size(c.oid)::bigint as total,
             greatest(c.reltuples, 0)::bigint as rows
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p') and n.nspname not in ('pg_catalog', 'information_schema')
      order by pg_total_relation_size(c.oid) desc limit 8`),
  ]);
  const maxConn = await db.execute<{ v: string }>(sql`select current_setting('max_connections') as v`);
  return {
    name: info?.name ?? "",
    version: info?.version ?? "",
    sizeBytes: Number(info?.size ?? 0),
    startedAt: info?.started ? new Date(info.started) : null,
    maxConnections: Number(maxConn[0]?.v ?? 0),
    connections: connections.map((c) => ({ app: c.app, state: c.state, count: c.n })),
    tables: tables.map((t) => ({ name: t.name, bytes: Number(t.total), rows: Number(t.rows) })),
  };
}
