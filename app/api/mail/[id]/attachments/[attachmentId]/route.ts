import { idParam, sessionRoute } from "@/server/api/session-route";
import { getAttachment } from "@/server/mail/outbox";

export async function GET(_req: Request, ctx: { params: Promise<{ id: string; attachmentId: string }> }) {
  const { id, attachmentId } = await ctx.params;
  return sessionRoute("mail.read", async ({ db }) => {
    const a = await getAttachment(db, idParam(id), idParam(attachmentId, "attachmentId"));
    return new Response(new Uint8Array(a.content), {
      headers: {
        "Content-Type": a.contentType,
        "Content-Length": String(a.size),
        "Content-Disposition": `attachment; filename*=UTF-8''${encodeURIComponent(a.filename)}`,
        "Cache-Control": "private, no-store",
      },
    });
  });
}
