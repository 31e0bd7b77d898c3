import { z } from "zod";
import { localizeIssue } from "../i18n/errors";
import type { Locale } from "../i18n/locale";

export type FieldErrors = Record<string, string[]>;
type Issue = { path?: readonly (PropertyKey | { key: PropertyKey })[]; message: string; code?: string };

/**
 * Zod / Standard Schema issues → { "field.path": ["message", …] }, the shape every form reads,
 * in the reader's language.
 */
export function fieldErrorsFromIssues(issues: readonly Issue[], locale: Locale = "en"): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of issues) {
    const key =
      (issue.path ?? [])
        .map((p) => (typeof p === "object" && p !== null ? String(p.key) : String(p)))
        .join(".") || "_form";
    const list = out[key] ?? [];
    list.push(localizeIssue(issue, locale));
    out[key] = list;
  }
  return out;
}

/**
 * A value no column can hold, found before it reaches Postgres (which would answer with a
 * 500-worthy error): a NUL character in text, or a number past the exactly representable
 * integers (a 20-digit id). Returns the field path and the message, or null.
 */
export function unstorableValue(
  value: unknown,
  path: string[] = [],
): { field: string; message: string; key: "noNul" | "tooLarge" } | null {
  const field = () => path.join(".") || "_form";
  if (typeof value === "string") {
    return value.includes("\u0000")
      ? { field: field(), message: "must not contain NUL characters", key: "noNul" }
      : null;
  }
  if (typeof value === "number") {
    return Number.isFinite(value) && Math.abs(value) > Number.MAX_SAFE_INTEGER
      ? { field: field(), message: "is too large", key: "tooLarge" }
      : null;
  }
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const bad = unstorableValue(v, [...path, String(i)]);
      if (bad) return bad;
    }
    return null;
  }
  if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [k, v] of Object.entries(value)) {
      if (k.includes("\u0000"))
        return { field: field(), message: "must not contain NUL characters", key: "noNul" };
      const bad = unstorableValue(v, [...path, k]);
      if (bad) return bad;
    }
  }
  return null;
}

type NoDefault<T extends z.core.SomeType> =
  T extends z.ZodDefault<infer I extends z.ZodType>
    ? I
    : T extends z.ZodPipe<z.ZodDefault<infer I extends z.ZodType>, infer O extends z.ZodType>
      ? z.ZodPipe<I, O>
      : T;

/**
 * The object with its fields' defaults taken off (also under a trailing transform), for a
 * partial edit: zod 4 fills a default even inside `.partial()`, so a field the client left out
 * would overwrite the stored value with the default.
 */
export function withoutDefaults<S extends z.ZodRawShape>(
  o: z.ZodObject<S>,
): z.ZodObject<{ [K in keyof S]: NoDefault<S[K]> }> {
  const shape: Record<string, z.ZodType> = {};
  for (const [k, s] of Object.entries(o.shape as unknown as Record<string, z.ZodType>)) {
    if (s instanceof z.ZodDefault) shape[k] = s.removeDefault() as z.ZodType;
    else if (s instanceof z.ZodPipe && s.in instanceof z.ZodDefault)
      shape[k] = z.pipe(s.in.removeDefault() as z.ZodType, s.out);
    else shape[k] = s;
  }
  return z.object(shape) as unknown as z.ZodObject<{ [K in keyof S]: NoDefault<S[K]> }>;
}
