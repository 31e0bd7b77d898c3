import { openApiDocument } from "@/server/api/openapi";
import { env } from "@/server/lib/env";

export const dynamic = "force-dynamic";

/** The OpenAPI 3.1 document of the TimerJobs and /api/v1 APIs (public: it holds no data). */
export function GET() {
  return Response.json(openApiDocument({ prefix: env().TIMERJOBS_API_PREFIX }), {
    headers: { "Cache-Control": "no-cache" },
  });
}
