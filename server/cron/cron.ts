// Cron schedules for Kairos jobs: 5 fields (minute first) or 6 (seconds first), in an IANA time
// zone. croner parses and matches the pattern; this module decides how local wall-clock times
// map to real instants across DST changes, which differs from croner's own rules:
//
// - croner matches on wall-clock time only: it runs with UTC offset 0 on "fake UTC" dates whose
//   UTC fields are the local wall time. Each matching wall time is then placed on the real
//   timeline by walking the zone's segments of constant offset (see zone-offsets.ts).
// - Fixed-time schedules (the hour field names specific hours, see cron-fields.ts) run once per
//   matching local time: a time skipped by spring-forward runs shifted by the gap (02:30 on
//   2026-03-08 in America/New_York runs at 03:30 EDT), and a time that occurs twice at
//   fall-back runs at its first occurrence only.
// - Other schedules (`*`, `*/2` hours) follow real instants: wall times in a spring-forward gap
//   do not exist and do not fire; a repeated wall time fires at both occurrences.

//
// `@yearly`…`@hourly` stand for their 5-field expressions; `@every <duration>` is a fixed
// interval of real time counted from an anchor (the job's creation): see descriptors.ts.

import { Cron } from "croner";
import cronstrue from "cronstrue/i18n.js";
import { msg } from "../i18n/errors";
import { translator } from "../i18n/messages";
import { describeZh, tidyCronstrueZh } from "./describe-zh";
import {
  everyParts,
  expandDescriptor,
  formatEvery,
  isEvery,
  parseEvery,
  unknownDescriptor,
} from "./descriptors";
import { CronError, type CronReading, type ParsedFields, parseFields } from "./fields";
import { isValidTimeZone, type ZoneClock, type ZoneSegment, zoneClock } from "./zone-offsets";

export { CronError } from "./fields";
export { isValidTimeZone } from "./zone-offsets";

export type CronSchedule = {
  /** As given (trimmed, single spaces). */
  expression: string;
  /** 6 fields, wrapping ranges expanded, `?` → `*` (what croner gets). */
  normalized: string;
  /** The user wrote 6 fields. */
  hasSeconds: boolean;
  timezone: string;
  isFixedTime: boolean;
  /** First fire instant strictly after `after`, or null if none within about 5 years. */
  next(after: Date): Date | null;
  nextN(after: Date, n: number): Date[];
  /** Human-readable text (cronstrue), 24-hour clock. */
  describe(locale: "en" | "zh-CN"): string;
  /** Tokens read in a way worth telling the user (Quartz's `0/15` as `0-59/15`). */
  readings: CronReading[];
};

/** How far next() looks before giving up (a Feb 29 schedule fires at least every 8 years). */
const HORIZON_MS = 5 * 366 * 86_400_000;

/**
 * Parses an expression for a time zone; throws CronError with a user-facing message.
 * `anchor` is where an `@every` schedule counts from (the job's creation); without one it
 * counts from the instant next() is asked about (a preview of a job not yet created).
 * Cron fields and the other descriptors ignore it.
 */
export function parseCron(expression: string, timezone: string, anchor?: Date | null): CronSchedule {
  if (typeof expression === "string" && isEvery(expression.trim())) {
    return everySchedule(expression, timezone, anchor ?? null);
  }
  const key = `${timezone}\n${expression}`;
  const cached = scheduleCache.get(key);
  if (cached) return cached;
  const schedule = createSchedule(expression, timezone);
  if (scheduleCache.size >= SCHEDULE_CACHE_LIMIT) {
    const oldest = scheduleCache.keys().next();
    if (!oldest.done) scheduleCache.delete(oldest.value);
  }
  scheduleCache.set(key, schedule);
  return schedule;
}

/** The reason an expression or zone is refused, or null when both are fine (for forms). */
export function explainCronError(expression: string, timezone: string): string | null {
  return cronRefusal(expression, timezone)?.message ?? null;
}

/** The refusal itself (its `msg` renders in the reader's language), or null. */
export function cronRefusal(expression: string, timezone: string): CronError | null {
  try {
    parseCron(expression, timezone);
    return null;
  } catch (error) {
    if (error instanceof CronError) return error;
    throw error;
  }
}

/**
 * Schedules are immutable (their only state is a lookup memo), so the scheduler's thousands of
 * next() calls per second share one parsed schedule per expression and zone.
 */
const scheduleCache = new Map<string, Schedule>();
const SCHEDULE_CACHE_LIMIT = 10_000;

function checkTimeZone(timezone: string) {
  if (!isValidTimeZone(timezone)) {
    throw new CronError(msg("cron.zone", { zone: timezone }));
  }
}

function createSchedule(expression: string, timezone: string): Schedule {
  if (typeof expression !== "string") throw new CronError(msg("cron.notText"));
  const tidy = expression.trim().split(/\s+/).join(" ");
  let fields: ParsedFields;
  if (tidy.startsWith("@")) {
    const stands = expandDescriptor(tidy);
    if (!stands) throw unknownDescriptor(tidy);
    // Shown as written; scheduled and described as the fields it stands for.
    fields = { ...parseFields(stands), expression: tidy };
  } else {
    fields = parseFields(expression);
  }
  checkTimeZone(timezone);
  const matcher = new WallClockMatcher(fields);
  return new Schedule(fields, timezone, matcher, zoneClock(timezone));
}

/**
 * croner on wall-clock time: offset 0, so a Date's UTC fields are read as the local wall time.
 * All wall times here are such "fake UTC" milliseconds.
 */
class WallClockMatcher {
  private readonly cron: Cron;
  /** No wall time matches in (memoFrom, memoNext); memoNext is Infinity when none ever does. */
  private memoFrom = Number.NaN;
  private memoNext = Number.NaN;

  constructor(fields: ParsedFields) {
    try {
      this.cron = new Cron(fields.normalized, { utcOffset: 0, mode: "6-part", domAndDow: fields.domAndDow });
    } catch (error) {
      // What only croner checks after our own checks: where L, W and # may stand (croner's
      // own words would reach a 中文 reader in English).
      throw new CronError(msg("cron.croner"), { cause: error });
    }
    // A reference before any real schedule start, so the check does not depend on the clock.
    if (this.nextAfter(Date.UTC(2000, 0, 1)) === Infinity) {
      throw new CronError(msg("cron.never"));
    }
  }

  /** First matching wall time strictly after `wall`, or Infinity. */
  nextAfter(wall: number): number {
    // The walk in nextFire() asks about the same stretch of wall time for several segments;
    // sparse patterns (yearly, Feb 29) would otherwise make croner scan years each time.
    if (wall >= this.memoFrom && wall < this.memoNext) return this.memoNext;
    const found = this.cron.nextRun(new Date(wall));
    this.memoFrom = wall;
    this.memoNext = found ? found.getTime() : Infinity;
    return this.memoNext;
  }
}

class Schedule implements CronSchedule {
  readonly expression: string;
  readonly normalized: string;
  readonly hasSeconds: boolean;
  readonly isFixedTime: boolean;
  readonly readings: CronReading[];
  private readonly expanded: string;
  private readonly domAndDow: boolean;

  constructor(
    fields: ParsedFields,
    readonly timezone: string,
    private readonly matcher: WallClockMatcher,
    private readonly clock: ZoneClock,
  ) {
    this.expression = fields.expression;
    this.normalized = fields.normalized;
    this.hasSeconds = fields.hasSeconds;
    this.isFixedTime = fields.isFixedTime;
    this.readings = fields.readings;
    this.expanded = fields.expanded;
    this.domAndDow = fields.domAndDow;
  }

  next(after: Date): Date | null {
    const afterMs = after.getTime();
    if (Number.isNaN(afterMs)) throw new RangeError("next() needs a valid date");
    const fire = nextFire(this.matcher, this.clock, this.isFixedTime, afterMs);
    return fire === null ? null : new Date(fire);
  }

  nextN(after: Date, n: number): Date[] {
    const fires: Date[] = [];
    let cursor = after;
    while (fires.length < n) {
      const fire = this.next(cursor);
      if (!fire) break;
      fires.push(fire);
      cursor = fire;
    }
    return fires;
  }

  describe(locale: "en" | "zh-CN"): string {
    if (locale === "zh-CN") {
      const written = this.expression.startsWith("@") ? [] : this.expression.split(" ");
      const six = this.normalized.split(" ").map((n, i) => {
        // The user's own token where it is plain numbers (keeps a wrapping 23-7 as written).
        const own = written.length === 6 ? written[i] : i === 0 ? "0" : written[i - 1];
        return own && /^[\d,\-/*?L]+$/.test(own) ? own : n;
      });
      const text = describeZh(six);
      if (text) return text;
    }
    const options = {
      locale: locale === "zh-CN" ? "zh_CN" : "en",
      use24HourTimeFormat: true,
      throwExceptionOnParseError: true,
      logicalAndDayFields: this.domAndDow,
    };
    // If cronstrue refuses what the user wrote, describe the expanded form (numbers and lists).
    for (const candidate of [this.expression, this.expanded]) {
      try {
        const text = cronstrue.toString(candidate, options);
        return locale === "zh-CN" ? tidyCronstrueZh(text) : text;
      } catch {}
    }
    return this.expression;
  }
}

/**
 * First fire instant after `afterMs`. Walks the zone's segments of constant offset from the
 * one containing `afterMs`. Within a segment, instants grow with wall time, so the first wall
 * match in the segment's wall range is its earliest fire. Fixed-time schedules also fire, just
 * after a spring-forward boundary, the wall times the gap skipped; those instants lie in
 * [boundary, boundary + gap) and compete with the next segment's own fires.
 */
function nextFire(
  matcher: WallClockMatcher,
  clock: ZoneClock,
  fixed: boolean,
  afterMs: number,
): number | null {
  const limit = afterMs + HORIZON_MS;
  let segment = clock.segmentAt(afterMs);
  // `afterMs` may sit just after a spring-forward, before the shifted fires of the gap.
  let pending =
    fixed && segment.prevOffset < segment.offset
      ? gapFire(matcher, segment.start, segment.prevOffset, segment.offset, afterMs)
      : null;
  for (;;) {
    let best = earliest(pending, regularFire(matcher, segment, fixed, afterMs));
    // Every later candidate is at or after segment.end.
    if (best !== null && best < segment.end) return best <= limit ? best : null;
    if (fixed && segment.nextOffset > segment.offset) {
      best = earliest(best, gapFire(matcher, segment.end, segment.offset, segment.nextOffset, afterMs));
    }
    if (segment.end > limit) return best !== null && best <= limit ? best : null;
    pending = best;
    segment = clock.segmentAt(segment.end);
  }
}

/** First fire after `afterMs` whose wall time lies in the segment's own wall range. */
function regularFire(matcher: WallClockMatcher, segment: ZoneSegment, fixed: boolean, afterMs: number) {
  const { start, end, offset, prevOffset } = segment;
  // Exclusive lower bound in wall time: after `afterMs`, and from the segment's first wall time.
  let from = Math.max(afterMs + offset, start + offset - 1);
  // After fall-back, wall times [start + offset, start + prevOffset) happen a second time; a
  // fixed-time schedule already ran at their first occurrence, in the previous segment.
  if (fixed && prevOffset > offset) from = Math.max(from, start + prevOffset - 1);
  const wall = matcher.nextAfter(from);
  return wall < end + offset ? wall - offset : null;
}

/**
 * Fixed-time fire for a wall time skipped by a spring-forward at `boundary`: wall times
 * [boundary + before, boundary + after) never happen; each runs at its wall time read with the
 * old offset, i.e. shifted later by the gap.
 */
function gapFire(
  matcher: WallClockMatcher,
  boundary: number,
  before: number,
  after: number,
  afterMs: number,
) {
  const from = Math.max(afterMs + before, boundary + before - 1);
  const wall = matcher.nextAfter(from);
  return wall < boundary + after ? wall - before : null;
}

function earliest(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}

/** Parsed intervals by expression: the scheduler asks for the same few every tick. */
const everyCache = new Map<string, number>();

function everySchedule(expression: string, timezone: string, anchor: Date | null): CronSchedule {
  const tidy = expression.trim().split(/\s+/).join(" ");
  let intervalMs = everyCache.get(tidy);
  if (intervalMs === undefined) {
    intervalMs = parseEvery(tidy);
    if (everyCache.size >= SCHEDULE_CACHE_LIMIT) everyCache.clear();
    everyCache.set(tidy, intervalMs);
  }
  checkTimeZone(timezone);
  if (anchor && Number.isNaN(anchor.getTime())) throw new RangeError("@every needs a valid anchor");
  return new EverySchedule(tidy, intervalMs, timezone, anchor);
}

/** `@every <duration>`: fires at anchor + k × interval, k ≥ 1, in real time (no zone, no DST). */
class EverySchedule implements CronSchedule {
  readonly normalized: string;
  readonly hasSeconds: boolean;
  readonly isFixedTime = false;
  readonly readings: CronReading[] = [];
  /** Whole second, as robfig/cron rounds. */
  private readonly anchorMs: number | null;

  constructor(
    readonly expression: string,
    private readonly intervalMs: number,
    readonly timezone: string,
    anchor: Date | null,
  ) {
    this.normalized = `@every ${formatEvery(intervalMs)}`;
    this.hasSeconds = intervalMs % 60_000 !== 0;
    this.anchorMs = anchor ? Math.floor(anchor.getTime() / 1000) * 1000 : null;
  }

  next(after: Date): Date | null {
    const afterMs = after.getTime();
    if (Number.isNaN(afterMs)) throw new RangeError("next() needs a valid date");
    const anchor = this.anchorMs ?? Math.floor(afterMs / 1000) * 1000;
    const k = Math.max(1, Math.floor((afterMs - anchor) / this.intervalMs) + 1);
    return new Date(anchor + k * this.intervalMs);
  }

  nextN(after: Date, n: number): Date[] {
    const fires: Date[] = [];
    let cursor: Date | null = after;
    while (fires.length < n && cursor) {
      cursor = this.next(cursor);
      if (cursor) fires.push(cursor);
    }
    return fires;
  }

  describe(locale: "en" | "zh-CN"): string {
    const t = translator(locale);
    const { hours, minutes, seconds } = everyParts(this.intervalMs);
    const parts = [
      hours ? t("cron.hours", { n: hours }) : "",
      minutes ? t("cron.minutes", { n: minutes }) : "",
      seconds ? t("cron.seconds", { n: seconds }) : "",
    ].filter(Boolean);
    return t("cron.every", { duration: parts.join(" ") });
  }
}
