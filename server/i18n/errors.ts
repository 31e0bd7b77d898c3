/**
 * Messages that reach a person from a failure: a catalog key under `errors.` plus parameters,
 * rendered in the reader's language where the failure is shown (tRPC's error formatter, the
 * REST APIs after Accept-Language, forms). The English rendering is also the Error's message,
 * so logs and tests read the same words as before.
 */
import type { Locale } from "./locale";
import { type Messages, translator } from "./messages";

type Leaves<T, P extends string = ""> = {
  [K in keyof T & string]: T[K] extends string ? `${P}${K}` : Leaves<T[K], `${P}${K}.`>;
}[keyof T & string];

export type ErrorKey = Leaves<Messages["errors"]>;
export type Msg = { key: ErrorKey; params?: MsgParams };
/**
 * A parameter may itself be a message (a nested issue's text), rendered in the same language.
 * No parameter is called `key`: on a zod issue the parameters sit beside the message's key.
 */
export type MsgParams = Record<string, string | number | Msg>;

export function msg(key: ErrorKey, params?: MsgParams): Msg {
  return params ? { key, params } : { key };
}

export function renderMsg(m: Msg, locale: Locale): string {
  const t = translator(locale);
  // Parameters that are messages or message keys (what: "errors.what.job") are rendered first.
  const params = Object.fromEntries(
    Object.entries(m.params ?? {}).map(([k, v]) => [
      k,
      typeof v === "object"
        ? renderMsg(v, locale)
        : typeof v === "string" && v.startsWith("errors.")
          ? t(v as never)
          : v,
    ]),
  );
  return t(`errors.${m.key}` as never, params as never);
}

/** A failure that is not a domain error (a refused sign-in, a role) with its catalog message. */
export class LocalizedError extends Error {
  constructor(public readonly msg: Msg) {
    super(renderMsg(msg, "en"));
    this.name = "LocalizedError";
  }
}

/** What a DomainError / LocalizedError puts on a zod issue so the issue renders like the error. */
export function issueParamsOf(m: Msg | null | undefined): Record<string, unknown> | undefined {
  return m ? { key: `errors.${m.key}`, ...m.params } : undefined;
}

/** Failures that know their catalog key (DomainError, CronError, LocalizedError). */
export type Localizable = { msg?: Msg | null };

export function hasMsg(e: unknown): e is { msg: Msg } {
  return !!e && typeof e === "object" && !!(e as Localizable).msg;
}

/** A failure's text in `locale`: its catalog message when it has one, else its own text. */
export function localizedMessage(e: unknown, locale: Locale): string {
  if (hasMsg(e)) return renderMsg(e.msg, locale);
  return e instanceof Error ? e.message : String(e);
}

// Zod issues ---------------------------------------------------------------------------------

type Issue = {
  code?: string;
  message: string;
  path?: readonly (PropertyKey | { key: PropertyKey })[];
  params?: Record<string, unknown>;
  origin?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  inclusive?: boolean;
  format?: string;
  expected?: string;
  received?: string;
  values?: readonly unknown[];
  keys?: readonly string[];
  divisor?: number;
  options?: readonly unknown[];
  errors?: readonly (readonly Issue[])[];
  issues?: readonly Issue[];
};

/** Words for zod's type names (`expected`), so "must be an object" reads in the reader's language. */
const TYPE_KEYS: Record<string, ErrorKey> = {
  string: "type.string",
  number: "type.number",
  int: "type.int",
  bigint: "type.number",
  boolean: "type.boolean",
  array: "type.array",
  tuple: "type.array",
  object: "type.object",
  record: "type.object",
  map: "type.object",
  set: "type.array",
  date: "type.date",
  null: "type.null",
};

const typeName = (expected: string | undefined): string | number | Msg =>
  expected && TYPE_KEYS[expected] ? msg(TYPE_KEYS[expected]) : (expected ?? "?");

/**
 * The branch of a failed union worth telling: one that got past the type check (the value had
 * the right shape, e.g. text that is not an address), with the fewest issues; the last on ties.
 */
function closestBranch(errors: readonly (readonly Issue[])[]): readonly Issue[] | undefined {
  let best: readonly Issue[] | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const branch of errors) {
    if (!branch.length) continue;
    const typeOnly = branch.every((i) => i.code === "invalid_type" || i.code === "invalid_value");
    const score = branch.length + (typeOnly ? 1000 : 0);
    if (score <= bestScore) {
      best = branch;
      bestScore = score;
    }
  }
  return best;
}

/** A nested issue's message, with its path when it has one ("pattern: required"). */
function nestedMsg(issue: Issue): Msg {
  const inner = issueMsg(issue) ?? msg("invalidInput");
  const path = (issue.path ?? [])
    .map((k) => (typeof k === "object" && k !== null ? String(k.key) : String(k)))
    .join(".");
  return path ? msg("nested", { path, detail: inner }) : inner;
}

/**
 * The catalog message an issue means: a custom issue names its key in `params.key` (with its
 * parameters beside it); a hand-written message made by `zodText` (or listed in TEXT_KEYS) is
 * known by its text; zod's own checks by code and limits — every code zod 4 raises. Null only
 * for a custom issue with words of its own that are not in the catalogs.
 */
export function issueMsg(issue: Issue): Msg | null {
  const p = issue.params;
  if (p && typeof p.key === "string" && p.key.startsWith("errors.")) {
    const { key, ...rest } = p;
    return { key: key.slice("errors.".length) as ErrorKey, params: rest as MsgParams };
  }
  const known = BY_TEXT.get(issue.message);
  if (known) return known;
  const listed = TEXT_KEYS[issue.message];
  if (listed) return msg(listed);
  const n = Number(issue.minimum ?? issue.maximum);
  switch (issue.code) {
    case "too_small":
      if (issue.origin === "string") return n <= 1 ? msg("required") : msg("minChars", { n });
      if (issue.origin === "array" || issue.origin === "set") return msg("minItems", { n });
      if (issue.origin === "number" || issue.origin === "bigint")
        return n === 0 && issue.inclusive === false ? msg("positive") : msg("minNumber", { n });
      return msg("tooSmall");
    case "too_big":
      if (issue.origin === "string") return msg("maxChars", { n });
      if (issue.origin === "array" || issue.origin === "set") return msg("maxItems", { n });
      if (issue.origin === "number" || issue.origin === "bigint")
        return n === Number.MAX_SAFE_INTEGER ? msg("tooLarge") : msg("maxNumber", { n });
      return msg("tooLarge");
    case "invalid_type":
      if (/received undefined/.test(issue.message)) return msg("required");
      if (issue.expected === "int") return msg("wholeNumber");
      if (issue.expected === "number") return msg("notANumber");
      if (issue.expected === "string") return msg("notText");
      if (issue.expected === "boolean") return msg("notTrueFalse");
      if (issue.expected === "array") return msg("notAList");
      if (issue.expected === "date") return msg("notADate");
      return msg("invalidType", { type: typeName(issue.expected) });
    case "invalid_format":
      if (issue.format === "email") return msg("email");
      if (issue.format === "url") return msg("url");
      if (issue.format === "datetime" || issue.format === "date") return msg("notADate");
      return msg("invalidFormat");
    case "invalid_value":
    case "invalid_enum_value": {
      const values = (issue.values ?? []).map(String);
      return values.length === 1
        ? msg("mustBe", { value: values[0] ?? "" })
        : msg("oneOf", { values: values.join(", ") });
    }
    case "not_multiple_of":
      return msg("multipleOf", { n: Number(issue.divisor) });
    case "unrecognized_keys":
      return msg("unknownKeys", { keys: (issue.keys ?? []).join(", ") });
    case "invalid_union": {
      if (issue.options?.length) return msg("oneOf", { values: issue.options.map(String).join(", ") });
      const branches = issue.errors ?? [];
      // No branch took the value's type: say which types would do.
      const rootTypes = branches.map((b) =>
        b.length === 1 && b[0]?.code === "invalid_type" && !b[0].path?.length ? b[0].expected : undefined,
      );
      if (branches.length && rootTypes.every((t) => t)) {
        if (
          rootTypes.includes("undefined") ||
          branches.some((b) => /received undefined/.test(b[0]?.message ?? ""))
        )
          return msg("required");
        const [first, ...rest] = [...new Set(rootTypes)];
        return rest.length
          ? msg("eitherType", { a: typeName(first), b: typeName(rest[0]) })
          : msg("invalidType", { type: typeName(first) });
      }
      const closest = closestBranch(branches);
      return closest?.[0] ? nestedMsg(closest[0]) : msg("invalidInput");
    }
    case "invalid_key":
      return issue.issues?.[0] ? (issueMsg(issue.issues[0]) ?? msg("invalidKey")) : msg("invalidKey");
    case "invalid_element":
      return issue.issues?.[0] ? nestedMsg(issue.issues[0]) : msg("invalidInput");
    default:
      // A custom issue's own words, not in the catalogs: localizeIssue says "invalid input".
      return null;
  }
}

/**
 * Literal messages given to zod checks before zodText existed: their English text is known here
 * so they render in the reader's language too.
 */
const TEXT_KEYS: Record<string, ErrorKey> = {
  required: "required",
  "letters, digits and . _ @ - only": "usernameChars",
  "passwords do not match": "passwordsDiffer",
  "a header value cannot contain line breaks": "headerLineBreak",
  "not a valid variable name": "variableName",
  "must be an http:// or https:// URL": "url",
  "must not contain NUL characters": "noNul",
  "is too large": "tooLarge",
  "choose a script": "chooseScript",
  "the command is required": "commandRequired",
  "the function name is required": "functionRequired",
  "not a valid email address": "email",
};

/** English texts made by zodText → their catalog message (bounded: texts may carry input). */
const BY_TEXT = new Map<string, Msg>();
const BY_TEXT_LIMIT = 2000;

/**
 * A message for a zod check (`.min(1, zodText("required"))`, `{ error: zodText("oneOf", …) }`,
 * or returned from an error function): its English text, which zod keeps as the issue's message,
 * remembered with its catalog key so the issue renders in the reader's language (issue 10).
 */
export function zodText(key: ErrorKey, params?: MsgParams): string {
  const m = msg(key, params);
  const text = renderMsg(m, "en");
  if (!BY_TEXT.has(text)) {
    if (BY_TEXT.size >= BY_TEXT_LIMIT) BY_TEXT.delete(BY_TEXT.keys().next().value as string);
    BY_TEXT.set(text, m);
  }
  return text;
}

/** An issue's text in `locale`; English keeps the issue's own words (they may be more specific). */
export function localizeIssue(issue: Issue, locale: Locale): string {
  if (locale === "en" && !issue.params?.key) return issue.message;
  const m = issueMsg(issue);
  if (m) return renderMsg(m, locale);
  return locale === "en" ? issue.message : renderMsg(msg("invalidInput"), locale);
}

/**
 * What a custom issue re-raised from a nested parse (a mode's params, a template) carries, so
 * its meaning survives the copy: `ctx.addIssue({ code: "custom", path, ...carryIssue(issue) })`.
 */
export function carryIssue(issue: Issue): { message: string; params?: Record<string, unknown> } {
  const m = issueMsg(issue);
  return m
    ? { message: issue.message, params: { key: `errors.${m.key}`, ...m.params } }
    : { message: issue.message };
}
