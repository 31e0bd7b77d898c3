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
