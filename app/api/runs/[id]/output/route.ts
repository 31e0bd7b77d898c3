import { sql } from "drizzle-orm";
import { can } from "@/server/auth/permissions";
import { currentUser } from "@/server/auth/session";
import { getDb } from "@/server/db/client";

/** The whole stored output of a run as a text file, streamed in pages (it may be large). */
export async function GET(_req: Request, ctx: { params: Promise<{ id: string }> }) {
  const user = await currentUser();
  if (!user) return Response.json({ error: "sign in first" }, { status: 401 });
  if (!can(user.role, "jobs.read")) return Response.json({ error: "forbidden" }, { status: 403 });
  const id = Number((await ctx.params).id);
  if (!Number.isInteger(id) || id <= 0)
    return Response.json({ error: "id must be a positive integer" }, { status: 400 });
  const db = getDb();
  const [run] = await db.execute<{ id: string }>(sql`select id from runs where id = ${id}`);
  if (!run) return Response.json({ error: `run ${id} not found` }, { status: 404 });
  const encoder = new TextEncoder();
  let after = -1;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const rows = await db.execute<{ seq: number; data: string }>(sql`
        select seq, data from run_logs where run_id = ${id} and seq > ${after} order by seq limit 500`);
      for (const r of rows) controller.enqueue(encoder.encode(r.data));
      if (rows.length < 500) controller.close();
      else after = Number(rows[rows.length - 1]?.seq ?? after);
    },
  });
  return new Response(body, {
    headers: {
      "Content-Type": "text/plain; charset=utf-8",
      "Content-Disposition": `attachment; filename="run-${id}.log"`,
      "Cache-Control": "private, no-store",
    },
  });
}
