import { handleCompat } from "@/server/api/compat/handle";

export const dynamic = "force-dynamic";

// TimerJobs API calls arrive here rewritten by proxy.ts (/jobs/add → /api/compat/jobs/add).
async function handler(req: Request, ctx: { params: Promise<{ path: string[] }> }) {
  const { path } = await ctx.params;
  return handleCompat(req, `/${path.join("/")}`);
}

export { handler as DELETE, handler as GET, handler as PATCH, handler as POST, handler as PUT };
