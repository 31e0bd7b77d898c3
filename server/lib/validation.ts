export type FieldErrors = Record<string, string[]>;
type Issue = { path?: readonly (PropertyKey | { key: PropertyKey })[]; message: string };

/** Zod / Standard Schema issues → { "field.path": ["message", …] }, the shape every form reads. */
export function fieldErrorsFromIssues(issues: readonly Issue[]): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of issues) {
    const key =
      (issue.path ?? [])
        .map((p) => (typeof p === "object" && p !== null ? String(p.key) : String(p)))
        .join(".") || "_form";
    const list = out[key] ?? [];
    list.push(issue.message);
    out[key] = list;
  }
  return out;
}
