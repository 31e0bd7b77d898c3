import { TRPCClientError } from "@trpc/client";

/**
 * Per-field messages from a failed tRPC mutation (zod or domain errors), for <Field errors>.
 * A nested path ("to.0", "params.url") also counts for its top-level field ("to", "params").
 */
export function fieldErrorsOf(error: unknown): Record<string, string[]> {
  if (!(error instanceof TRPCClientError)) return {};
  const fe = (error.data as { fieldErrors?: Record<string, string[]> | null } | undefined)?.fieldErrors;
  if (!fe) return {};
  const out: Record<string, string[]> = {};
  for (const [key, messages] of Object.entries(fe)) {
    out[key] = [...(out[key] ?? []), ...messages];
    const top = key.split(".")[0] ?? key;
    if (top !== key) out[top] = [...(out[top] ?? []), ...messages];
  }
  return out;
}

/** The message to show above a form when the error is not about one field. */
export function formErrorOf(error: unknown): string | null {
  if (!error) return null;
  const fields = fieldErrorsOf(error);
  if (Object.keys(fields).length) return null;
  return error instanceof Error ? error.message : String(error);
}
