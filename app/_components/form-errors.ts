import { TRPCClientError } from "@trpc/client";

/** Per-field messages from a failed tRPC mutation (zod or domain errors), for <Field errors>. */
export function fieldErrorsOf(error: unknown): Record<string, string[]> {
  if (error instanceof TRPCClientError) {
    const fe = (error.data as { fieldErrors?: Record<string, string[]> } | undefined)?.fieldErrors;
    if (fe) return fe;
  }
  return {};
}

/** The message to show above a form when the error is not about one field. */
export function formErrorOf(error: unknown): string | null {
  if (!error) return null;
  const fields = fieldErrorsOf(error);
  if (Object.keys(fields).length) return null;
  return error instanceof Error ? error.message : String(error);
}
