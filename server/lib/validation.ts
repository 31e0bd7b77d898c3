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
