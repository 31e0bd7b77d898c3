import { can } from "@/server/auth/permissions";
import { currentUser } from "@/server/auth/session";
import { getDb } from "@/server/db/client";
import { DomainError } from "@/server/lib/errors";
import { streamRunLog } from "@/server/runs/log";
import { getRun } from "@/server/runs/runs";

/** The whole stored output of a run as a text file, streamed in pages (it may be large). */
export async function GET(_req: Request, ctx: { params: Promise<{ id: string }> }) {
  const user = await currentUser();
  if (!user) return Response.json({ error: "sign in first" }, { status: 401 });
  if (!can(user.role, "jobs.read")) return Response.json({ error: "forbidden" }, { status: 403 });
  const id = Number((await ctx.params).id);
  if (!Number.isInteger(id) || id <= 0)
    return Response.json({ error: "id must be a positive integer" }, { status: 400 });
  const db = getDb();
  try {
    await getRun(db, id);
  } catch (e) {
    if (e instanceof DomainError && e.code === "NOT_FOUND")
      return Response.json({ error: `run ${id} not found` }, { status: 404 });
    throw e;
  }
  return new Response(streamRunLog(db, id), {
    headers: {
      "Content-Type": "text/plain; charset=utf-8",
      "Content-Disposition": `attachment; filename="run-${id}.log"`,
      "Cache-Control": "private, no-store",
    },
  });
}
