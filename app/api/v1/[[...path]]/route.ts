import { handleV1 } from "@/server/api/v1/handle";

export const dynamic = "force-dynamic";

// Optional catch-all: /api/v1 itself is the API's too (its JSON 404, not the app's HTML page).
async function handler(req: Request, ctx: { params: Promise<{ path?: string[] }> }) {
  const { path = [] } = await ctx.params;
  return handleV1(req, `/${path.join("/")}`);
}

export { handler as DELETE, handler as GET, handler as PATCH, handler as POST, handler as PUT };
