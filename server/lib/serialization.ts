import { log } from "./log";

/** Postgres codes of a transaction chosen as the victim of a lock or serialization conflict. */
const RETRYABLE = new Set(["40P01", "40001"]);

let retried = 0;
/** How many times this process retried after a conflict (the deadlock test expects none). */
export const conflictRetries = () => retried;

export function conflictCode(e: unknown): string | undefined {
  const err = e as { code?: string; cause?: unknown };
  if (typeof err?.code === "string" && RETRYABLE.has(err.code)) return err.code;
  if (err?.cause) return conflictCode(err.cause);
  return undefined;
}

/**
 * Runs `fn` (a whole transaction, or a single statement) again when Postgres aborted it with
 * deadlock_detected (40P01) or serialization_failure (40001): a safety net behind the global
 * lock order (server/runs/locks.ts), which should make these never happen. Each retry is
 * logged, so one that does is seen; after `attempts` the error goes to the caller.
 */
export async function retryOnConflict<T>(what: string, fn: () => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      const code = conflictCode(e);
      if (!code || attempt >= attempts) throw e;
      retried++;
      const waitMs = Math.round(10 * 2 ** attempt * (0.5 + Math.random()));
      log("db").warn({ what, code, attempt, waitMs }, "transaction aborted by a lock conflict; trying again");
      await new Promise((r) => setTimeout(r, waitMs));
    }
  }
}
