import "server-only";
import { apiError, authenticate, requirePermission, toApiError } from "../api/core";
import { getDb } from "../db/client";
import { msg } from "../i18n/errors";
import { negotiateLocale } from "../i18n/locale";
import { log } from "../lib/log";
import { scrape } from "./metrics";

/**
 * GET /metrics: the API's bearer tokens (or the loopback role), with `metrics.read`. Errors
 * answer in the /api/v1 shape, since a scraper's log shows the body.
 */
export async function handleMetrics(req: Request): Promise<Response> {
  const db = getDb();
  try {
    if (req.method !== "GET" && req.method !== "HEAD")
      throw apiError(405, msg("api.methodNotAllowed", { method: req.method, path: "/metrics" }));
    const actor = await authenticate(db, req);
    requirePermission(actor, "metrics.read");
    const { contentType, body } = await scrape(db);
    return new Response(req.method === "HEAD" ? null : body, {
      headers: { "content-type": contentType, "cache-control": "no-store" },
    });
  } catch (e) {
    const err = toApiError(e, undefined, negotiateLocale(req.headers.get("accept-language")));
    if (err.status === 500) log("metrics").error({ err: e }, "scrape failed");
    return Response.json(
      { error: { status: err.status, message: err.message } },
      { status: err.status, headers: { "cache-control": "no-store" } },
    );
  }
}
