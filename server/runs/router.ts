import { z } from "zod";
import { audit } from "../audit";
import { retryingTransaction } from "../db/retry";
import { requirePermission, router } from "../trpc";
import { cancelActiveRuns } from "./cancel";
import { runErrorText } from "./error-text";
import { readRunLog, ZRunLogInput } from "./log";
import { getRun, listRuns, runCounts, ZListRunsInput } from "./runs";

const ZId = z.object({ id: z.number().int().positive() });
const FINISHED = new Set(["succeeded", "failed", "timed_out", "cancelled", "skipped", "lost"]);

export const runsRouter = router({
  // A run's error as the reader's language says it (server/runs/error-text.ts).
  list: requirePermission("jobs.read")
    .input(ZListRunsInput)
    .query(async ({ ctx, input }) => {
      const page = await listRuns(ctx.db, input);
      const locale = ctx.locale ?? "en";
      return { ...page, items: page.items.map((r) => ({ ...r, error: runErrorText(r.error, locale) })) };
    }),
  get: requirePermission("jobs.read")
    .input(ZId)
    .query(async ({ ctx, input }) => {
      const run = await getRun(ctx.db, input.id);
      return { ...run, error: runErrorText(run.error, ctx.locale ?? "en") };
    }),
  log: requirePermission("jobs.read")
    .input(ZRunLogInput)
    .query(({ ctx, input }) => readRunLog(ctx.db, input)),
  counts: requirePermission("jobs.read")
    .input(z.void())
    .query(({ ctx }) => runCounts(ctx.db)),
  /**
   * Live tail over SSE: new output chunks and the run's status as they happen, ending when the
   * run has finished and everything it wrote has been sent. Polls the database (any web
   * process can serve any run; no sticky sessions).
   */
  tail: requirePermission("jobs.read")
    .input(z.object({ id: z.number().int().positive(), afterSeq: z.number().int().min(-1).default(-1) }))
    .subscription(async function* ({ ctx, input, signal }) {
      let after = input.afterSeq;
      let lastStatus = "";
      while (!signal?.aborted) {
        const run = await getRun(ctx.db, input.id);
        const chunks = await readRunLog(ctx.db, { id: input.id, afterSeq: after, limit: 1000 });
        if (chunks.length) after = chunks[chunks.length - 1]?.seq ?? after;
        if (chunks.length || run.status !== lastStatus) {
          lastStatus = run.status;
          yield { run, chunks };
        }
        if (FINISHED.has(run.status) && chunks.length < 1000) return;
        await new Promise((r) => setTimeout(r, chunks.length === 1000 ? 0 : 400));
      }
    }),
  stop: requirePermission("jobs.run")
    .input(ZId)
    .mutation(async ({ ctx, input }) => {
      return retryingTransaction(ctx.db, "stop a run", async (tx) => {
        const r = await cancelActiveRuns(tx, { runIds: [input.id], reason: `stopped by ${ctx.actor.name}` });
        await audit(tx, ctx.actor, "run.stop", "run", input.id, { after: r });
        return r;
      });
    }),
});
