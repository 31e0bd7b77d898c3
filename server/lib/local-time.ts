/**
 * Instants as local wall-clock text in an IANA zone, and local days as instant ranges — the
 * one implementation for pages (app/_components/time.tsx), mails, logs, the CLI, the TimerJobs
 * API and built-ins. (The cron library keeps its own cached offset table, tuned for computing
 * fires.) Pure Intl, no Node APIs: the browser runs the same code, so server-rendered and
 * hydrated text agree.
 *
 * The rule (issue 10): an instant shows in the reader's zone without a label; an instant shown
 * in another zone (a job's schedule in the job's zone) carries that zone's offset when it
 * differs from the reader's at that instant.
 */

const partFormats = new Map<string, Intl.DateTimeFormat>();

function partFormat(timeZone: string): Intl.DateTimeFormat {
  let f = partFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    partFormats.set(timeZone, f);
  }
  return f;
}

/** The zone's wall clock at an instant, as numbers (month 1–12). */
export function wallClock(at: Date, timeZone: string) {
  const p = wallParts(at, timeZone);
  const n = (k: string) => Number(p[k] ?? 0);
  return {
    year: n("year"),
    month: n("month"),
    day: n("day"),
    hour: n("hour"),
    minute: n("minute"),
    second: n("second"),
  };
}

/** The calendar day of an instant in a zone, "YYYY-MM-DD". */
export function localDate(at: Date, timeZone: string): string {
  const p = wallParts(at, timeZone);
  return `${p.year}-${p.month}-${p.day}`;
}

function wallParts(at: Date, timeZone: string): Record<string, string> {
  return Object.fromEntries(
    partFormat(timeZone)
      .formatToParts(at)
      .map((x) => [x.type, x.value]),
  );
}

/**
 * "YYYY-MM-DD HH:MM:SS" in the zone (the seed's log format), assembled from parts rather than
 * a locale's pattern, so Node and every browser print the same characters.
 */
export function formatLocal(at: Date, timeZone: string): string {
  const p = wallParts(at, timeZone);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

/** How far the zone's wall clock is ahead of UTC at an instant, in ms (whole seconds). */
export function zoneOffsetMs(at: Date, timeZone: string): number {
  const p = Object.fromEntries(Object.entries(wallParts(at, timeZone)).map(([k, v]) => [k, Number(v)]));
  const wall = Date.UTC(p.year ?? 0, (p.month ?? 1) - 1, p.day, p.hour, p.minute, p.second);
  return wall - Math.floor(at.getTime() / 1000) * 1000;
}

/** A wall-clock time (ms as if UTC) in a zone → the instant (two passes settle DST days). */
function instantOfWall(wall: number, timeZone: string): Date {
  const guess = wall - zoneOffsetMs(new Date(wall), timeZone);
  return new Date(wall - zoneOffsetMs(new Date(guess), timeZone));
}

/** Local midnight of a day (YYYY-MM-DD) in a zone, as an instant. */
export function localMidnight(date: string, timeZone: string): Date {
  return instantOfWall(Date.parse(`${date}T00:00:00Z`), timeZone);
}

const LOCAL_INPUT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/;

/**
 * A datetime-local input's text ("YYYY-MM-DDTHH:MM[:SS]") read in a zone — the reader's display
 * zone, not the device's — as an instant; null when it is not such a text. A time the clock
 * repeats (fall-back) is its first occurrence; one it skips (spring-forward) lands an hour off.
 */
export function instantOfLocalInput(text: string, timeZone: string): Date | null {
  if (!LOCAL_INPUT.test(text)) return null;
  const wall = Date.parse(`${text}Z`);
  return Number.isNaN(wall) ? null : instantOfWall(wall, timeZone);
}

/** An instant as a datetime-local input's value ("YYYY-MM-DDTHH:MM") in a zone. */
export function localInputValue(at: Date, timeZone: string): string {
  return formatLocal(at, timeZone).slice(0, 16).replace(" ", "T");
}

/** A local day (YYYY-MM-DD) in a zone as [start, end) instants; 23 or 25 hours across DST. */
export function dayRange(date: string, timeZone: string): { from: Date; to: Date } {
  const next = new Date(Date.parse(`${date}T00:00:00Z`) + 86400_000).toISOString().slice(0, 10);
  return { from: localMidnight(date, timeZone), to: localMidnight(next, timeZone) };
}

/**
 * "UTC", "GMT+8", "GMT-3:30": the zone's offset at an instant, the same text in every language
 * and runtime (computed, not ICU's name, which differs between Node and browsers: "GMT+0").
 */
export function zoneLabel(at: Date, timeZone: string): string {
  const minutes = Math.round(zoneOffsetMs(at, timeZone) / 60_000);
  if (minutes === 0) return "UTC";
  const abs = Math.abs(minutes);
  const mm = abs % 60;
  return `GMT${minutes < 0 ? "-" : "+"}${Math.floor(abs / 60)}${mm ? `:${String(mm).padStart(2, "0")}` : ""}`;
}

export type InstantText = {
  /** "2025-01-31 23:59:59" (or without seconds) in the zone. */
  text: string;
  /** The zone's label when it is not the reader's wall clock at that instant, else null. */
  zone: string | null;
};

/**
 * An instant for a person: in `timeZone` (default: the reader's), labelled when that zone's
 * clock differs from the reader's at that instant.
 */
export function formatInstant(
  at: Date,
  opts: { readerZone: string; timeZone?: string; seconds?: boolean },
): InstantText {
  const zone = opts.timeZone ?? opts.readerZone;
  const full = formatLocal(at, zone);
  const text = opts.seconds === false ? full.slice(0, 16) : full;
  const differs = zone !== opts.readerZone && zoneOffsetMs(at, zone) !== zoneOffsetMs(at, opts.readerZone);
  return { text, zone: differs ? zoneLabel(at, zone) : null };
}

/** formatInstant as one string ("2025-01-31 23:59 GMT+8"), for mails and plain text. */
export function formatInstantText(
  at: Date,
  opts: { readerZone: string; timeZone?: string; seconds?: boolean },
) {
  const r = formatInstant(at, opts);
  return r.zone ? `${r.text} ${r.zone}` : r.text;
}

/** For mails, read anywhere: always with the zone ("2025-01-31 23:59:59 GMT+8"). */
export function formatMailTime(at: Date, timeZone: string): string {
  return `${formatLocal(at, timeZone)} ${zoneLabel(at, timeZone)}`;
}
