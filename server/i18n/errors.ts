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
  params?: Record<string, unknown>;
  origin?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  inclusive?: boolean;
  format?: string;
  expected?: string;
  values?: readonly unknown[];
  keys?: readonly string[];
};

/**
 * The catalog message an issue means: a custom issue names its key in `params.key` (with its
 * parameters beside it); zod's own checks are known by code and limits. Null when nothing
 * fits: the issue's own text is shown.
 */
export function issueMsg(issue: Issue): Msg | null {
  const p = issue.params;
  if (p && typeof p.key === "string" && p.key.startsWith("errors.")) {
    const { key, ...rest } = p;
    return { key: key.slice("errors.".length) as ErrorKey, params: rest as MsgParams };
  }
  const known = TEXT_KEYS[issue.message];
  if (known) return msg(known);
  const n = Number(issue.minimum ?? issue.maximum);
  switch (issue.code) {
    case "too_small":
      if (issue.origin === "string") return n <= 1 ? msg("required") : msg("minChars", { n });
      if (issue.origin === "array" || issue.origin === "set") return msg("minItems", { n });
      if (issue.origin === "number" || issue.origin === "bigint")
        return n === 0 && issue.inclusive === false ? msg("positive") : msg("minNumber", { n });
      return null;
    case "too_big":
      if (issue.origin === "string") return msg("maxChars", { n });
      if (issue.origin === "array" || issue.origin === "set") return msg("maxItems", { n });
      if (issue.origin === "number" || issue.origin === "bigint")
        return n === Number.MAX_SAFE_INTEGER ? msg("tooLarge") : msg("maxNumber", { n });
      return null;
    case "invalid_type":
      if (/received undefined/.test(issue.message)) return msg("required");
      if (issue.expected === "int") return msg("wholeNumber");
      if (issue.expected === "number") return msg("notANumber");
      if (issue.expected === "string") return msg("notText");
      if (issue.expected === "boolean") return msg("notTrueFalse");
      if (issue.expected === "array") return msg("notAList");
      return issue.expected ? msg("invalidType", { type: issue.expected }) : null;
    case "invalid_format":
      if (issue.format === "email") return msg("email");
      if (issue.format === "url") return msg("url");
      return msg("invalidFormat");
    case "invalid_value":
    case "invalid_enum_value":
      return issue.values ? msg("oneOf", { values: issue.values.map(String).join(", ") }) : null;
    case "unrecognized_keys":
      return msg("unknownKeys", { keys: (issue.keys ?? []).join(", ") });
    default:
      return null;
  }
}

/**
 * Literal messages given to zod checks that have no code of their own (a regex, a refine):
 * their English text is known here so they render in the reader's language too.
 */
const TEXT_KEYS: Record<string, ErrorKey> = {
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

/** An issue's text in `locale`; English keeps the issue's own words (they may be more specific). */
export function localizeIssue(issue: Issue, locale: Locale): string {
  if (locale === "en" && !issue.params?.key) return issue.message;
  const m = issueMsg(issue);
  return m ? renderMsg(m, locale) : issue.message;
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
