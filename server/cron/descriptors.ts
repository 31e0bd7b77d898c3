// The `@` forms robfig/cron (the Go TimerJobs) and most schedulers accept:
//
// - `@yearly` `@annually` `@monthly` `@weekly` `@daily` `@midnight` `@hourly` stand for 5-field
//   expressions and behave exactly like them (time zone, DST rules, misfires).
// - `@every <duration>` fires at a fixed interval of real time, whatever the wall clock and the
//   time zone say. The duration is Go's syntax (`10s`, `1h30m`, `1.5h`, `500ms` as part of a
//   whole number of seconds); at least 1 s and at most 8784h (366 days).
//
// Alignment of `@every`: robfig counts from the moment the entry was added. Kairos counts from
// the job's creation instant (whole second), and fires at creation + k × interval (k ≥ 1). The
// grid is a property of the job, not of a process: a restart, another worker or a schedule
// edit never moves it; fires missed while no worker ran follow the job's misfire policy like
// any other schedule and the next fire is the next point of the grid.

import { msg } from "../i18n/errors";
import { CronError } from "./fields";

const DESCRIPTORS: Readonly<Record<string, string>> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};

export const EVERY_MAX_MS = 8784 * 3_600_000;

/** The 5-field expression an `@yearly`-style descriptor stands for; null when not one. */
export function expandDescriptor(expression: string): string | null {
  return DESCRIPTORS[expression.toLowerCase()] ?? null;
}

export function isEvery(expression: string): boolean {
  return /^@every(\s|$)/i.test(expression);
}

/** An `@…` word that is none of the above: the message lists what is accepted. */
export function unknownDescriptor(expression: string): CronError {
  return new CronError(msg("cron.unknownDescriptor", { word: expression.split(" ")[0] ?? expression }));
}

const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};
const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;

/** The interval of `@every <duration>` in milliseconds (a whole number of seconds). */
export function parseEvery(expression: string): number {
  const text = expression.replace(/^@every/i, "").trim();
  if (text === "") throw new CronError(msg("cron.everyNeedsDuration"));
  const invalid = () => new CronError(msg("cron.everyNotDuration", { text }));
  let ms = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < text.length) {
    const at = PART.lastIndex;
    const m = PART.exec(text);
    if (!m || m.index !== at) throw invalid();
    ms += Number(m[1]) * (UNIT_MS[m[2] ?? ""] ?? Number.NaN);
  }
  // Units below a millisecond only make sense as part of a whole second: round away float noise.
  ms = Math.round(ms * 1000) / 1000;
  if (!Number.isFinite(ms)) throw invalid();
  if (ms < 1000) throw new CronError(msg("cron.everyTooShort", { text }));
  if (ms > EVERY_MAX_MS) throw new CronError(msg("cron.everyTooLong", { text }));
  if (ms % 1000 !== 0) throw new CronError(msg("cron.everyNotWhole", { text }));
  return ms;
}

/** Go's spelling of a whole-second duration, without zero parts: 5400000 → "1h30m". */
export function formatEvery(ms: number): string {
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return `${h ? `${h}h` : ""}${m ? `${m}m` : ""}${sec ? `${sec}s` : ""}`;
}

/** hours / minutes / seconds of an interval, for describing it in words. */
export function everyParts(ms: number): { hours: number; minutes: number; seconds: number } {
  const s = Math.round(ms / 1000);
  return { hours: Math.floor(s / 3600), minutes: Math.floor((s % 3600) / 60), seconds: s % 60 };
}
