import { describe, expect, it } from "vitest";
import { Semaphore } from "../../server/lib/semaphore";

describe("Semaphore", () => {
  it("lets `size` holders in, then the others in arrival order", async () => {
    const s = new Semaphore(2);
    const a = await s.acquire();
    const b = await s.acquire();
    const order: string[] = [];
    const mark = (name: string) => (r: (() => void) | null) => {
      order.push(name);
      return r;
    };
    const c = s.acquire().then(mark("c"));
    const d = s.acquire().then(mark("d"));
    expect(s.inUse).toBe(2);
    a?.();
    a?.(); // a second release of the same place changes nothing
    const rc = await c;
    expect(order).toEqual(["c"]);
    b?.();
    const rd = await d;
    expect(order).toEqual(["c", "d"]);
    rc?.();
    rd?.();
    expect(s.inUse).toBe(0);
  });

  it("drops a waiter whose signal aborts, without losing a place", async () => {
    const s = new Semaphore(1);
    const held = await s.acquire();
    const ac = new AbortController();
    const waiting = s.acquire(ac.signal);
    const next = s.acquire();
    ac.abort("cancel");
    expect(await waiting).toBeNull();
    held?.();
    const got = await next;
    expect(got).toBeTypeOf("function");
    expect(s.inUse).toBe(1);
    expect(await s.acquire(AbortSignal.abort())).toBeNull();
  });
});
