/**
 * What the sites keep (issue 12): raw samples for SITE_SAMPLE_RETENTION_DAYS and their hourly
 * roll-up far longer (long charts read it); an open alarm whose latest record time has not
 * changed for 2 days is removed (seed 001: 最近告警时间2天没发生变化时则删除数据), a resumed one
 * SITE_ALARM_RETENTION_DAYS after it resumed; bad lines and file states as long.
 * Deletes go in slices so a large backlog never holds one long transaction.
 */
import { sql } from "drizzle-orm";
import type { Db } from "../db/client";

export const STALE_ALARM_DAYS = 2;
const SLICE = 50_000;

export type SiteRetention = { sampleDays: number; hourlyDays: number; alarmDays: number };

async function inSlices(db: Db, statement: () => ReturnType<typeof sql>): Promise<number> {
  let total = 0;
  for (;;) {
    const r = await db.execute(statement());
    const n = (r as unknown as { count?: number }).count ?? 0;
    total += n;
    if (n < SLICE) return total;
  }
}

export async function pruneSites(db: Db, keep: SiteRetention, now = new Date()) {
  const days = (n: number) => new Date(now.getTime() - n * 86400_000).toISOString();
  const samples = await inSlices(
    db,
    () => sql`delete from samples where ctid = any(array(
      select ctid from samples where at < ${days(keep.sampleDays)}::timestamptz limit ${SLICE}))`,
  );
  const hourly = await inSlices(
    db,
    () => sql`delete from samples_hourly where ctid = any(array(
      select ctid from samples_hourly where hour < ${days(keep.hourlyDays)}::timestamptz limit ${SLICE}))`,
  );
  const alarms = await db.execute(sql`
    delete from alarms
    where (resumed_at is null and last_record_at < ${days(STALE_ALARM_DAYS)}::timestamptz)
       or (resumed_at is not null and resumed_at < ${days(keep.alarmDays)}::timestamptz)`);
  await db.execute(sql`delete from site_bad_lines where created_at < ${days(keep.alarmDays)}::timestamptz`);
  await db.execute(
    sql`delete from site_files where day < (${days(keep.alarmDays)}::timestamptz)::date and is_complete`,
  );
  return { samples, hourly, alarms: (alarms as unknown as { count?: number }).count ?? 0 };
}
