import { Readable } from "node:stream";
import { DomainError } from "@/server/lib/errors";
import { openSharedFile } from "@/server/reports/share";

/**
 * A report file through a share link, as the script wrote it. The file is found by id among the
 * link's own run's files (no path from the request reaches the disk); anything else is a 404.
 */
export async function GET(_req: Request, ctx: { params: Promise<{ token: string; id: string }> }) {
  const { token, id } = await ctx.params;
  const fileId = Number(id);
  if (!/^\d{1,15}$/.test(id) || !Number.isSafeInteger(fileId)) return notFound();
  try {
    const { file, handle } = await openSharedFile(token, fileId);
    const base = file.name.split("/").pop() ?? file.name;
    const stream = Readable.toWeb(handle.createReadStream()) as ReadableStream<Uint8Array>;
    return new Response(stream, {
      headers: {
        "Content-Type": file.contentType,
        "Content-Length": String(file.size),
        "Content-Disposition": `attachment; filename*=UTF-8''${encodeURIComponent(base)}`,
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store",
        "Referrer-Policy": "no-referrer",
      },
    });
  } catch (e) {
    if (e instanceof DomainError) return notFound();
    throw e;
  }
}

const notFound = () =>
  new Response("not found", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });
