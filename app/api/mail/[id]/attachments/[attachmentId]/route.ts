import { can } from "@/server/auth/permissions";
import { currentUser } from "@/server/auth/session";
import { getDb } from "@/server/db/client";
import { DomainError } from "@/server/lib/errors";
import { getAttachment } from "@/server/mail/outbox";

export async function GET(_req: Request, ctx: { params: Promise<{ id: string; attachmentId: string }> }) {
  const user = await currentUser();
  if (!user) return Response.json({ error: "sign in first" }, { status: 401 });
  if (!can(user.role, "mail.read")) return Response.json({ error: "forbidden" }, { status: 403 });
  const { id, attachmentId } = await ctx.params;
  const outboxId = Number(id);
  const attId = Number(attachmentId);
  if (!Number.isInteger(outboxId) || !Number.isInteger(attId)) {
    return Response.json({ error: "id and attachmentId must be integers" }, { status: 400 });
  }
  try {
    const a = await getAttachment(getDb(), outboxId, attId);
    return new Response(new Uint8Array(a.content), {
      headers: {
        "Content-Type": a.contentType,
        "Content-Length": String(a.size),
        "Content-Disposition": `attachment; filename*=UTF-8''${encodeURIComponent(a.filename)}`,
        "Cache-Control": "private, no-store",
      },
    });
  } catch (e) {
    if (e instanceof DomainError) return Response.json({ error: e.message }, { status: 404 });
    throw e;
  }
}
