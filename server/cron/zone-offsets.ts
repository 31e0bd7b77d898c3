// UTC offsets of an IANA time zone and the instants where they change, found with Intl (the
// runtime's copy of the tz database) rather than a bundled table, so they stay as current as Node.

const SECOND = 1000;
const DAY = 86_400_000;

/**
 * A stretch of time [start, end) during which the zone keeps one UTC offset (local = UTC +
 * offset, in ms). `prevOffset` applies just before `start` and `nextOffset` from `end` on; when
 * they equal `offset` the boundary is only the edge of what has been looked up, not a change.
 */
export type ZoneSegment = {
  start: number;
  end: number;
  offset: number;
  prevOffset: number;
  nextOffset: number;
};

type Transition = { at: number; before: number; after: number };

export class ZoneClock {
  /** Set for zones whose offset never changes (UTC, Etc/GMT+5): no transition logic needed. */
  readonly fixedOffset: number | null;
  private readonly formatter: Intl.DateTimeFormat;
  /** Transitions in (start of year, start of next year], per UTC year, found on first use. */
  private readonly transitionsByYear = new Map<number, Transition[]>();
  /** The scheduler asks about "now" over and over, so the last answer is usually right again. */
  private lastSegment: ZoneSegment | null = null;

  constructor(timeZone: string) {
    this.formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    const canonical = this.formatter.resolvedOptions().timeZone;
    // ICU names UTC, Etc/UTC and GMT "UTC"; the other Etc/ zones are fixed offsets by definition.
    this.fixedOffset = canonical === "UTC" || canonical.startsWith("Etc/") ? this.offsetAt(0) : null;
  }

  /** UTC offset in ms at an instant (to the second). */
  offsetAt(ms: number): number {
    const instant = Math.floor(ms / SECOND) * SECOND;
    const fields = { year: 1970, month: 1, day: 1, hour: 0, minute: 0, second: 0 };
    for (const part of this.formatter.formatToParts(instant)) {
      if (part.type in fields) fields[part.type as keyof typeof fields] = Number(part.value);
    }
    const wall = utcFromFields(
      fields.year,
      fields.month - 1,
      fields.day,
      fields.hour,
      fields.minute,
      fields.second,
    );
    return wall - instant;
  }

  /** The segment of constant offset that contains `ms`. */
  segmentAt(ms: number): ZoneSegment {
    if (this.fixedOffset !== null) {
      const offset = this.fixedOffset;
      return { start: -Infinity, end: Infinity, offset, prevOffset: offset, nextOffset: offset };
    }
    const last = this.lastSegment;
    if (last && last.start <= ms && ms < last.end) return last;
    const segment = this.findSegment(ms);
    this.lastSegment = segment;
    return segment;
  }

  /**
   * Looks one year back and one year ahead. Offset changes are hours apart at most, so a change
   * further away than that cannot matter to a fire time near `ms`; the segment then simply ends
   * there (with an unchanged offset) and the caller asks again from that point.
   */
  private findSegment(ms: number): ZoneSegment {
    const year = new Date(ms).getUTCFullYear();
    const before = this.lastTransitionAtOrBefore(ms, year);
    const after = this.firstTransitionAfter(ms, year);
    const offset = before?.after ?? after?.before ?? this.offsetAt(ms);
    return {
      start: before?.at ?? yearStart(year - 1),
      end: after?.at ?? yearStart(year + 2),
      offset,
      prevOffset: before?.before ?? offset,
      nextOffset: after?.after ?? offset,
    };
  }

  private lastTransitionAtOrBefore(ms: number, year: number): Transition | undefined {
    for (const y of [year, year - 1]) {
      const found = this.transitionsIn(y).findLast((t) => t.at <= ms);
      if (found) return found;
    }
    return undefined;
  }

  private firstTransitionAfter(ms: number, year: number): Transition | undefined {
    for (const y of [year, year + 1]) {
      const found = this.transitionsIn(y).find((t) => t.at > ms);
      if (found) return found;
    }
    return undefined;
  }

  /**
   * Samples the offset once a day and binary-searches each change down to the second. Two
   * changes that cancel out within one day would be missed; the tz database has none in the
   * years a scheduler looks at (DST changes are months apart).
   */
  private transitionsIn(year: number): Transition[] {
    const cached = this.transitionsByYear.get(year);
    if (cached) return cached;
    const end = yearStart(year + 1);
    const found: Transition[] = [];
    let at = yearStart(year);
    let offset = this.offsetAt(at);
    while (at < end) {
      const probe = Math.min(at + DAY, end);
      if (this.offsetAt(probe) === offset) {
        at = probe;
        continue;
      }
      const change = this.firstChange(at, probe, offset);
      const after = this.offsetAt(change);
      found.push({ at: change, before: offset, after });
      at = change;
      offset = after;
    }
    this.transitionsByYear.set(year, found);
    return found;
  }

  /** First second in (low, high] whose offset differs from `offset` (the offset at `low`). */
  private firstChange(lowMs: number, highMs: number, offset: number): number {
    let low = lowMs;
    let high = highMs;
    while (high - low > SECOND) {
      const middle = low + Math.floor((high - low) / 2 / SECOND) * SECOND;
      if (this.offsetAt(middle) === offset) low = middle;
      else high = middle;
    }
    return high;
  }
}

const clocks = new Map<string, ZoneClock>();

/** Shared per zone, so transitions and the Intl formatter are computed once per process. */
export function zoneClock(timeZone: string): ZoneClock {
  let clock = clocks.get(timeZone);
  if (!clock) {
    clock = new ZoneClock(timeZone);
    clocks.set(timeZone, clock);
  }
  return clock;
}

/**
 * An IANA zone name the runtime knows (case-insensitive, like Intl). Offsets such as "+05:30"
 * are refused even where newer runtimes accept them, so that a saved schedule means the same on
 * every Node version.
 */
export function isValidTimeZone(timeZone: string): boolean {
  if (typeof timeZone !== "string" || timeZone.trim() !== timeZone || !/^[A-Za-z]/.test(timeZone))
    return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return true;
  } catch {
    return false;
  }
}

function yearStart(year: number): number {
  return utcFromFields(year, 0, 1, 0, 0, 0);
}

/** Date.UTC, except that years 0-99 are not read as 1900-1999. */
function utcFromFields(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
) {
  if (year >= 100) return Date.UTC(year, month, day, hour, minute, second);
  const date = new Date(0);
  date.setUTCFullYear(year, month, day);
  date.setUTCHours(hour, minute, second, 0);
  return date.getTime();
}
