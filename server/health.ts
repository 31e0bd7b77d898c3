import { sql } from "drizzle-orm";
import { getDb } from "./db/client";
import { migrationState } from "./db/migrate-state";
import { appVersion } from "./lib/app-info";
import { env } from "./lib/env";

export type Health = {
  status: "ok" | "degraded";
  version: string;
  db: { ok: boolean; latencyMs?: number; error?: string };
  migrations?: { applied: number; expected: number; current: boolean };
  workers?: { live: number; newestHeartbeatAgeMs: number | null; schedulerLagP99Ms: number | null };
  at: string;
};

/** The whole check answers within this (a hung database makes it "degraded", never slow). */
export const HEALTH_DEADLINE_MS = 3_000;

/** 200 "ok" needs a reachable database, current migrations and at least one live worker. */
export async function checkHealth(): Promise<Health> {
  const out: Health = {
    status: "degraded",
    version: appVersion(),
    db: { ok: false },
    at: new Date().toISOString(),
  };
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), HEALTH_DEADLINE_MS);
  });
  const checking = probe(out).catch((e: unknown) => {
    out.db = { ok: false, error: e instanceof Error ? e.message : String(e) };
  });
  const first = await Promise.race([checking, deadline]);
  clearTimeout(timer);
  if (first === "late") {
    return {
      ...out,
      status: "degraded",
      db: { ok: false, error: `the database did not answer within ${HEALTH_DEADLINE_MS / 1000} s` },
    };
  }
  return out;
}

async function probe(out: Health): Promise<void> {
  const db = getDb();
  const started = performance.now();
  await db.execute(sql`select 1`);
  out.db = { ok: true, latencyMs: Math.round((performance.now() - started) * 10) / 10 };
  out.migrations = await migrationState(db);
  const deadAfterMs = env().WORKER_DEAD_AFTER_SECONDS * 1000;
  const rows = await db.execute<{ age: number | null; live: number; lag: number | null }>(sql`
    select (extract(epoch from now() - max(last_seen_at)) * 1000)::float8 as age,
           count(*) filter (where last_seen_at > now() - make_interval(secs => ${deadAfterMs / 1000}))::int as live,
           max((stats -> 'scheduler' ->> 'lagP99')::float8) as lag
    from workers where stopped_at is null`);
  const age = rows[0]?.age;
  const lag = rows[0]?.lag;
  const workers = {
    live: rows[0]?.live ?? 0,
    newestHeartbeatAgeMs: age === null || age === undefined ? null : Math.round(age),
    // Claim lateness of recent fires (the scheduler behind its slots), as workers last reported it.
    schedulerLagP99Ms: lag === null || lag === undefined ? null : Math.round(Number(lag)),
  };
  out.workers = workers;
  out.status = out.migrations.current && workers.live > 0 ? "ok" : "degraded";
}
