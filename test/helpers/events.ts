import type { EventEmitter } from "node:events";
import type { KairosWorker } from "../../worker/index";

type Listener = (...args: unknown[]) => void;
type Loose = { on(name: string, l: Listener): unknown; off(name: string, l: Listener): unknown };

/**
 * The first `name` event `match` accepts (its arguments), or an error naming `what` after
 * `timeoutMs`. Subscribe before causing the event: `const done = nextEvent(…); act(); await done`.
 */
export function nextEvent<M extends Record<keyof M, unknown[]>, K extends keyof M & string>(
  emitter: EventEmitter<M>,
  name: K,
  match: (...args: M[K]) => boolean = () => true,
  timeoutMs = 15_000,
): Promise<M[K]> {
  const em = emitter as unknown as Loose;
  return new Promise((resolve, reject) => {
    const listener = (...args: unknown[]) => {
      if (!match(...(args as M[K]))) return;
      cleanup();
      resolve(args as M[K]);
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for the event ${name}`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      em.off(name, listener);
    };
    em.on(name, listener);
  });
}

/**
 * Checks `check` now and again after every step of the worker (a run finished, stopped while
 * held, or the scheduler fired), until it returns a truthy value: no polling interval, so a
 * test waits exactly as long as the worker takes.
 */
export function untilWorker<R>(
  worker: KairosWorker,
  what: string,
  check: () => Promise<R>,
  timeoutMs = 15_000,
): Promise<NonNullable<R>> {
  const sources: [Loose, string][] = [[worker.engine.events as unknown as Loose, "run:finished"]];
  if (worker.scheduler) sources.push([worker.scheduler.events as unknown as Loose, "tick"]);
  return new Promise((resolve, reject) => {
    let running = false;
    let again = false;
    let done = false;
    let last: unknown;
    const finish = (fn: () => void) => {
      done = true;
      clearTimeout(timer);
      for (const [em, name] of sources) em.off(name, poke);
      fn();
    };
    // One check at a time; an event during a check asks for one more after it.
    const run = async () => {
      if (running) {
        again = true;
        return;
      }
      running = true;
      try {
        do {
          again = false;
          try {
            const v = await check();
            if (v) return finish(() => resolve(v as NonNullable<R>));
          } catch (e) {
            last = e;
          }
        } while (again && !done);
      } finally {
        running = false;
      }
    };
    const poke = () => void run();
    const timer = setTimeout(
      () =>
        finish(() =>
          reject(
            new Error(
              `timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ""}`,
            ),
          ),
        ),
      timeoutMs,
    );
    for (const [em, name] of sources) em.on(name, poke);
    void run();
  });
}
