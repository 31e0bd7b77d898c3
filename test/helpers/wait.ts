/**
 * How long a test lets real processes start: node loading TypeScript, a Next production server,
 * embedded Postgres initialising, a worker connecting. Seconds on an idle machine, and several
 * times that on two cores busy with other work; a wait still ends as soon as what it waits for
 * happens, so the margin costs nothing when things go well.
 */
export const STARTUP_MS = 180_000;
/** A test that starts (or restarts) Kairos processes and then works with them. */
export const PROCESS_TEST_MS = 2 * STARTUP_MS;

/** Polls until `check` returns a truthy value (returned) or the time is up (throws with `what`). */
export async function waitFor<R>(
  what: string,
  check: () => R,
  timeoutMs = 15_000,
  everyMs = 50,
): Promise<NonNullable<Awaited<R>>> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < until) {
    try {
      const v = await check();
      if (v) return v as NonNullable<Awaited<R>>;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ""}`);
}
