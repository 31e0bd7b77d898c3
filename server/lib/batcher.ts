/**
 * Group commit: callers push one item each and await their own result; items pushed in the
 * same turn of the event loop are written together by one call of `flush` (one SQL statement
 * for many runs). This is what lets history keep up with thousands of runs per second.
 *
 * At most `maxInFlight` flushes run at once: items pushed meanwhile wait and go together in the
 * next one. Runs that end one at a time (commands, through their process starter) would
 * otherwise each get a statement and a commit of their own, and at a few hundred a second the
 * commits, not the work, set the pace (issue 9).
 */
export class Batcher<I, O> {
  private queue: { item: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];
  private scheduled = false;
  private inFlight = 0;

  constructor(
    private readonly flushFn: (items: I[]) => Promise<O[]>,
    private readonly maxBatch = 1_000,
    private readonly maxInFlight = 2,
  ) {}

  push(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.queue.length >= this.maxBatch && this.inFlight < this.maxInFlight) void this.flush();
      else this.schedule();
    });
  }

  /**
   * Takes back the items still waiting for their flush that `match` selects: each caller gets
   * `value` at once, and the items are returned (so another statement can carry them).
   */
  withdraw(match: (item: I) => boolean, value: O): I[] {
    const taken: I[] = [];
    this.queue = this.queue.filter((q) => {
      if (!match(q.item)) return true;
      taken.push(q.item);
      q.resolve(value);
      return false;
    });
    return taken;
  }

  private schedule() {
    if (this.scheduled || !this.queue.length || this.inFlight >= this.maxInFlight) return;
    this.scheduled = true;
    setImmediate(() => void this.flush());
  }

  private async flush() {
    this.scheduled = false;
    if (this.inFlight >= this.maxInFlight) return;
    const batch = this.queue.splice(0, this.maxBatch);
    if (!batch.length) return;
    this.inFlight++;
    this.schedule();
    try {
      const out = await this.flushFn(batch.map((b) => b.item));
      for (const [i, b] of batch.entries()) b.resolve(out[i] as O);
    } catch (e) {
      for (const b of batch) b.reject(e);
    } finally {
      this.inFlight--;
      this.schedule();
    }
  }
}
