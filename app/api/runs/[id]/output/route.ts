import { idParam, sessionRoute } from "@/server/api/session-route";
import { streamRunLog } from "@/server/runs/log";
import { getRun } from "@/server/runs/runs";

/** The whole stored output of a run as a text file, streamed in pages (it may be large). */
export async function GET(_req: Request, ctx: { params: Promise<{ id: string }> }) {
  const { id } = await ctx.params;
  return sessionRoute("jobs.read", async ({ db }) => {
    const run = await getRun(db, idParam(id));
    return new Response(streamRunLog(db, run.id), {
      headers: {
        "Content-Type": "text/plain; charset=utf-8",
        "Content-Disposition": `attachment; filename="run-${run.id}.log"`,
        "Cache-Control": "private, no-store",
      },
    });
  });
}
