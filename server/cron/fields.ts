// Pre-processing of cron expressions before croner sees them. croner does the parsing proper and
// all matching; this module only turns the syntax Kairos accepts into the syntax croner accepts
// (names to numbers, `?` to `*`, wrapping ranges to lists) and checks values, so that a mistake
// is reported per field in words a user can act on.

import { type Msg, msg, renderMsg } from "../i18n/errors";

/**
 * An expression Kairos refuses: always a catalog message (issue 10), so the reader gets it in
 * their language; `message` is its English rendering (logs, tests).
 */
export class CronError extends Error {
  override name = "CronError";
  constructor(
    public readonly msg: Msg,
    options?: ErrorOptions,
  ) {
    super(renderMsg(msg, "en"), options);
  }
}

const FIELD_KEY: Record<string, string> = {
  second: "second",
  minute: "minute",
  hour: "hour",
  "day of month": "dayOfMonth",
  month: "month",
  "day of week": "dayOfWeek",
};
const fieldName = (label: string) => `errors.cron.field.${FIELD_KEY[label] ?? "minute"}`;

type FieldSpec = {
  /** Name used in messages. */
  label: string;
  min: number;
  max: number;
  /** Three-letter names, lower case, mapped to their numbers. */
  names?: Readonly<Record<string, number>>;
  /** `?` means `*` here, as in Quartz-style expressions. */
  acceptsQuestionMark?: boolean;
  /** croner extensions passed through unchanged (L, W, #), lower case. */
  extension?: RegExp;
};

const MONTH_NAMES: Readonly<Record<string, number>> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};

const DAY_NAMES: Readonly<Record<string, number>> = {
  sun: 0,
  mon: 1,
  tue: 2,
  wed: 3,
  thu: 4,
  fri: 5,
  sat: 6,
};

/** The six fields in croner's order; a 5-field expression gets second 0 in front. */
const FIELDS: readonly FieldSpec[] = [
  { label: "second", min: 0, max: 59 },
  { label: "minute", min: 0, max: 59 },
  { label: "hour", min: 0, max: 23 },
  {
    label: "day of month",
    min: 1,
    max: 31,
    acceptsQuestionMark: true,
    // L = last day, LW = last weekday, 15W = weekday nearest the 15th.
    extension: /^(?:l|lw|(\d+)(w))$/,
  },
  { label: "month", min: 1, max: 12, names: MONTH_NAMES },
  {
    label: "day of week",
    // 7 is Sunday too, as in Vixie cron.
    min: 0,
    max: 7,
    names: DAY_NAMES,
    acceptsQuestionMark: true,
    // fri#2 = second Friday of the month, 5L = last Friday of the month.
    extension: /^([a-z]{3}|\d+)(#\d+|l)$/,
  },
];

const DAY_OF_WEEK = 5;
const HOUR = 2;
const DAY_OF_MONTH = 3;

export type ParsedFields = {
  /** The expression as given, trimmed, with single spaces. */
  expression: string;
  /** Six fields for croner: names as numbers, `?` as `*`, wrapping ranges as lists. */
  normalized: string;
  /** The normalized fields with as many fields as the user wrote (for cronstrue). */
  expanded: string;
  hasSeconds: boolean;
  isFixedTime: boolean;
  /** Day of month AND day of week must both match (see `usesAndForDays`). */
  domAndDow: boolean;
  /** Tokens read in a way worth saying: Quartz's `0/15` as `0-59/15`. */
  readings: CronReading[];
};

export type CronReading = { token: string; as: string };

export function parseFields(input: string): ParsedFields {
  const expression = input.trim().split(/\s+/).join(" ");
  if (expression === "") throw new CronError(msg("cron.empty"));
  const given = expression.split(" ");
  if (given.length > 6) throw new CronError(msg("cron.tooMany", { n: given.length }));
  if (given.length < 5) {
    throw new CronError(msg("cron.tooFew", { n: given.length }));
  }
  const hasSeconds = given.length === 6;
  const six = hasSeconds ? given : ["0", ...given];
  const readings: CronReading[] = [];
  const fields = six.map((field, index) => normalizeField(field, fieldSpec(index), readings));
  const hourField = six[HOUR] ?? "*";
  const dom = fields[DAY_OF_MONTH] ?? "*";
  const dow = fields[DAY_OF_WEEK] ?? "*";
  return {
    expression,
    normalized: fields.join(" "),
    expanded: (hasSeconds ? fields : fields.slice(1)).join(" "),
    hasSeconds,
    // A schedule is "fixed-time" when its hour field names specific hours (a number, list or
    // range) rather than every hour (`*`, `*/2`). This is Vixie cron's rule for DST: fixed-time
    // jobs run once per day across a DST change, other jobs follow real elapsed time. `?` is
    // refused in the hour field, so only the leading `*` needs checking.
    isFixedTime: !hourField.startsWith("*"),
    domAndDow: usesAndForDays(dom, dow),
    readings,
  };
}

/**
 * Vixie cron ORs day of month and day of week only when neither field starts with `*`; a field
 * like `*` or `*\/2` counts as unrestricted and the two are ANDed (so `0 0 *\/2 * mon` is odd
 * days that are Mondays). croner ORs unless told otherwise, and only treats a field that is
 * exactly `*` as unrestricted, so this decides its domAndDow option.
 */
function usesAndForDays(dom: string, dow: string): boolean {
  return dom.startsWith("*") || dow.startsWith("*");
}

function fieldSpec(index: number): FieldSpec {
  const spec = FIELDS[index];
  if (!spec) throw new Error(`no cron field ${index}`);
  return spec;
}

function normalizeField(field: string, spec: FieldSpec, readings: CronReading[]): string {
  const lower = field.toLowerCase();
  const tokens = lower.split(",");
  if (tokens.some((token) => token === "")) {
    throw new CronError(msg("cron.emptyItem", { field: fieldName(spec.label), text: field }));
  }
  return tokens.map((token) => normalizeToken(token, spec, readings)).join(",");
}

const STAR_STEP = /^\*\/(\d+)$/;
const VALUE_RANGE_STEP = /^([a-z]+|\d+)(?:-([a-z]+|\d+))?(?:\/(\d+))?$/;

function normalizeToken(token: string, spec: FieldSpec, readings: CronReading[]): string {
  if (token === "*") return "*";
  if (token === "?") {
    if (spec.acceptsQuestionMark) return "*";
    throw new CronError(msg("cron.questionMark", { field: fieldName(spec.label) }));
  }
  const starStep = STAR_STEP.exec(token);
  if (starStep) return `*/${checkStep(starStep[1] ?? "", spec)}`;
  const extension = spec.extension?.exec(token);
  if (extension) return normalizeExtension(token, extension, spec);
  const parts = VALUE_RANGE_STEP.exec(token);
  if (!parts) {
    throw new CronError(msg("cron.notUnderstood", { field: fieldName(spec.label), token }));
  }
  const [, fromText = "", toText, stepText] = parts;
  const from = readValue(fromText, spec);
  if (toText === undefined) {
    if (stepText !== undefined) {
      // Quartz and xxl-job read `N/step` as "from N to the end, every step" (`0 0/15 8-18 * * ?`,
      // pasted by teams coming from them); Vixie cron has no such form, so it cannot mean else.
      const step = checkStep(stepText, spec);
      readings.push({ token, as: `${fromText}-${spec.max}/${step}` });
      return normalizeRange(from, spec.max, step, spec);
    }
    return String(from);
  }
  const to = readValue(toText, spec);
  const step = stepText === undefined ? undefined : checkStep(stepText, spec);
  return normalizeRange(from, to, step, spec);
}

/** Range `from-to[/step]`; a range that wraps past the end of the field becomes a list. */
function normalizeRange(
  fromValue: number,
  toValue: number,
  step: number | undefined,
  spec: FieldSpec,
): string {
  let from = fromValue;
  let to = toValue;
  if (spec.names === DAY_NAMES && from === 7) {
    // 7 is Sunday: `7-3` is Sunday to Wednesday, `7-7` is Sunday alone.
    from = 0;
    if (to === 7) to = 0;
  }
  if (from <= to) return step === undefined ? `${from}-${to}` : `${from}-${to}/${step}`;
  return wrappingRangeValues(from, to, step ?? 1, spec).join(",");
}

/**
 * croner refuses `23-7` ("From value is larger than to value"), but users mean "from 23 round to
 * 7": 23,0,1,…,7. The step counts on across the wrap, so hours `22-3/2` are 22,0,2.
 */
function wrappingRangeValues(from: number, to: number, step: number, spec: FieldSpec): number[] {
  // Day of week cycles through 0-6 (7 is 0 again); every other field through min..max.
  const period = spec.names === DAY_NAMES ? 7 : spec.max - spec.min + 1;
  const count = ((to - from + period) % period) + 1;
  const values: number[] = [];
  for (let k = 0; k < count; k += step) values.push(spec.min + ((from - spec.min + k) % period));
  return values;
}

function readValue(text: string, spec: FieldSpec): number {
  if (/^\d+$/.test(text)) {
    const value = Number(text);
    if (value < spec.min || value > spec.max) {
      throw new CronError(
        msg("cron.outOfRange", { field: fieldName(spec.label), value, min: spec.min, max: spec.max }),
      );
    }
    return value;
  }
  const named = spec.names?.[text];
  if (named !== undefined) return named;
  if (spec.names === MONTH_NAMES) throw new CronError(msg("cron.monthName", { text }));
  if (spec.names === DAY_NAMES) throw new CronError(msg("cron.dayName", { text }));
  throw new CronError(msg("cron.notANumber", { field: fieldName(spec.label), text }));
}

function checkStep(text: string, spec: FieldSpec): number {
  const step = Number(text);
  const span = spec.names === DAY_NAMES ? 7 : spec.max - spec.min + 1;
  if (step < 1) throw new CronError(msg("cron.stepTooSmall", { field: fieldName(spec.label), text }));
  if (step > span)
    throw new CronError(msg("cron.stepTooLarge", { field: fieldName(spec.label), step, span }));
  return step;
}

/**
 * croner's L, W and # forms. The day is checked here (names become numbers); croner checks
 * where each form may appear (e.g. L not in a list).
 */
function normalizeExtension(token: string, parts: RegExpExecArray, spec: FieldSpec): string {
  const [, day, suffix = ""] = parts;
  if (day === undefined) return token.toUpperCase();
  if (suffix.startsWith("#") && !/^#[1-5]$/.test(suffix)) {
    throw new CronError(msg("cron.nthWeek", { field: fieldName(spec.label), token }));
  }
  return `${readValue(day, spec)}${suffix.toUpperCase()}`;
}
