import { sessionRoute } from "@/server/api/session-route";
import { msg } from "@/server/i18n/errors";
import { DomainError } from "@/server/lib/errors";
import { exportLogs } from "@/server/ops/logs";
import { ZLogFilter } from "@/server/ops/schema";

/** The logs page's entries under its current filters, as NDJSON (one pino record per line). */
export async function GET(req: Request) {
  return sessionRoute("users.manage", async ({ db }) => {
    const q = Object.fromEntries(new URL(req.url).searchParams);
    const parsed = ZLogFilter.safeParse({ ...q, runId: q.runId ? Number(q.runId) : undefined });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new DomainError(
        "BAD_REQUEST",
        msg("invalidValue", { detail: `${issue?.path.join(".")}: ${issue?.message}` }),
      );
    }
    const lines = exportLogs(db, parsed.data);
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const next = await lines.next();
        if (next.done) controller.close();
        else controller.enqueue(new TextEncoder().encode(next.value));
      },
      async cancel() {
        await lines.return(undefined);
      },
    });
    const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-");
    return new Response(body, {
      headers: {
        "Content-Type": "application/x-ndjson; charset=utf-8",
        "Content-Disposition": `attachment; filename="kairos-logs-${stamp}.ndjson"`,
        "Cache-Control": "private, no-store",
      },
    });
  });
}
