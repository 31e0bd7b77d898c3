/**
 * At most `size` holders at once; the others wait in arrival order. A waiter whose signal aborts
 * leaves the line (acquire resolves to null) without taking a place.
 */
export class Semaphore {
  private held = 0;
  private readonly waiting: { grant: (release: () => void) => void }[] = [];

  constructor(readonly size: number) {}

  get inUse() {
    return this.held;
  }

  acquire(signal?: AbortSignal): Promise<(() => void) | null> {
    if (signal?.aborted) return Promise.resolve(null);
    if (this.held < this.size) {
      this.held++;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve) => {
      const waiter = {
        grant: (release: () => void) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(release);
        },
      };
      const onAbort = () => {
        const at = this.waiting.indexOf(waiter);
        if (at >= 0) this.waiting.splice(at, 1);
        resolve(null);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }

  private releaser(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const next = this.waiting.shift();
      // The place passes straight to the next waiter: `held` stays the same.
      if (next) next.grant(this.releaser());
      else this.held--;
    };
  }
}
