import { Readable } from "node:stream";
import { idParam, sessionRoute } from "@/server/api/session-route";
import { openReportFile } from "@/server/reports/archive";

/** One report file as the script wrote it (bytes unchanged: a GBK CSV stays GBK), streamed. */
export async function GET(_req: Request, ctx: { params: Promise<{ id: string }> }) {
  const { id } = await ctx.params;
  return sessionRoute("reports.read", async ({ db }) => {
    const { file, handle } = await openReportFile(db, idParam(id));
    const base = file.name.split("/").pop() ?? file.name;
    // The read stream closes the file when it ends or the client goes away.
    const stream = Readable.toWeb(handle.createReadStream()) as ReadableStream<Uint8Array>;
    return new Response(stream, {
      headers: {
        "Content-Type": file.contentType,
        "Content-Length": String(file.size),
        "Content-Disposition": `attachment; filename*=UTF-8''${encodeURIComponent(base)}`,
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store",
      },
    });
  });
}
