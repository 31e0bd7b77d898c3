import { type Msg, msg, renderMsg } from "../i18n/errors";

/**
 * An expected failure of a domain operation (not a bug): tRPC, REST and forms turn it into a
 * clear message, per field when `field` says which input was wrong. Given a catalog message
 * (msg("jobNameTaken")), it is shown in the reader's language; `message` is its English text.
 */
export type DomainErrorCode = "BAD_REQUEST" | "NOT_FOUND" | "CONFLICT" | "FORBIDDEN" | "PRECONDITION_FAILED";

export class DomainError extends Error {
  public readonly msg: Msg | null;
  constructor(
    public readonly code: DomainErrorCode,
    message: string | Msg,
    public readonly field?: string,
  ) {
    super(typeof message === "string" ? message : renderMsg(message, "en"));
    this.name = "DomainError";
    this.msg = typeof message === "string" ? null : message;
  }
}

const WHAT = {
  job: "job",
  user: "user",
  run: "run",
  mail: "mail",
  attachment: "attachment",
  secret: "secret",
  token: "token",
  "script version": "scriptVersion",
  "report file": "reportFile",
  "share link": "shareLink",
  "IP rule": "ipRule",
  site: "site",
  server: "server",
  webhook: "webhook",
  rule: "rule",
  silence: "silence",
  "maintenance window": "maintenance",
  alarm: "alarm",
} as const;

export const notFound = (what: keyof typeof WHAT, id: unknown) =>
  new DomainError("NOT_FOUND", msg("notFound", { what: `errors.what.${WHAT[what]}`, id: String(id) }));

/** Postgres unique violations name their constraint; map them to the field a user can fix. */
export function uniqueViolation(e: unknown): string | undefined {
  const err = e as { code?: string; constraint_name?: string; cause?: unknown };
  if (err?.code === "23505") return err.constraint_name ?? "unique";
  if (err?.cause) return uniqueViolation(err.cause);
  return undefined;
}

/**
 * Postgres refusing a value (SQLSTATE class 22, data exception: a date out of range, text it
 * cannot encode, a number too big for its column): the caller's input, not a bug. Returns
 * Postgres' own message, which names the value but never the statement.
 */
export function badValue(e: unknown): string | undefined {
  const err = e as { code?: unknown; message?: unknown; cause?: unknown } | undefined;
  if (typeof err?.code === "string" && /^22[0-9A-Z]{3}$/.test(err.code) && typeof err.message === "string") {
    return err.message;
  }
  return err?.cause ? badValue(err.cause) : undefined;
}
