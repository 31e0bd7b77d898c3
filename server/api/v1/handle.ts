import { type Db, getDb } from "../../db/client";
import { msg } from "../../i18n/errors";
import { negotiateLocale } from "../../i18n/locale";
import { log } from "../../lib/log";
import { observeRequest } from "../../metrics/metrics";
import {
  type ApiActor,
  apiError,
  authenticate,
  coerce,
  parseJsonBody,
  readBodyBytes,
  readBodyText,
  rejectUnstorable,
  requestAddress,
  requirePermission,
  toApiError,
} from "../core";
import { logRequest } from "../request-log";
import { matchV1, type V1Route } from "./routes";
import { handleSitePush } from "./site-push";

const MULTIPART = /^multipart\/form-data\s*;/i;

/**
 * A multipart body (file uploads) as a plain object: text fields as strings, files as
 * `{ filename, bytes }`. Only routes that say so take one; the others stay JSON-only.
 */
async function readMultipart(req: Request): Promise<Record<string, unknown>> {
  const type = req.headers.get("content-type") ?? "";
  const bytes = await readBodyBytes(req);
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(bytes), { headers: { "content-type": type } }).formData();
  } catch {
    throw apiError(400, msg("api.multipartUnreadable"));
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of form.entries()) {
    out[key] =
      typeof value === "string"
        ? value
        : { filename: value.name, bytes: Buffer.from(await value.arrayBuffer()) };
  }
  return out;
}

async function readJson(req: Request): Promise<unknown> {
  const text = await readBodyText(req);
  if (!text.trim()) return {};
  const body = parseJsonBody(req.headers.get("content-type") ?? "", text);
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw apiError(400, msg("api.bodyNotObject"));
  }
  return body;
}

/**
 * The query and body of a request, parsed by the route's schemas: the handler gets typed values
 * and never parses again. Values no column can hold are refused first, naming the field.
 */
async function readInput(
  req: Request,
  route: V1Route,
  path: Record<string, number>,
  ctx: { db: Db; actor: ApiActor },
) {
  const query = coerce(
    Object.fromEntries(new URL(req.url).searchParams),
    route.numericQuery ?? [],
    route.booleanQuery ?? [],
  );
  const multipart = !!route.multipart && MULTIPART.test(req.headers.get("content-type") ?? "");
  const raw = route.body ? await (multipart ? readMultipart(req) : readJson(req)) : undefined;
  const body = route.prepareBody && !multipart ? await route.prepareBody(raw, ctx) : raw;
  rejectUnstorable({ ...query, ...(body as object | undefined) });
  rejectUnstorable(path);
  return {
    query: route.query ? route.query.parse(query) : {},
    body: multipart ? route.multipart?.parse(body) : route.body?.parse(body),
  };
}

/** One /api/v1 request; `path` is relative to /api/v1 (e.g. /jobs/3/run). */
export async function handleV1(req: Request, path: string): Promise<Response> {
  const push = /^\/sites\/([^/]+)\/ingest\/?$/.exec(path);
  if (push && req.method === "POST") return handleSitePush(req, decodeURIComponent(push[1] as string));
  const started = performance.now();
  const db = getDb();
  const ip = requestAddress(req.headers);
  let actor: ApiActor | null = null;
  let res: Response;
  let routeName = "unmatched";
  try {
    const { route, params } = matchV1(req.method, path);
    routeName = `/api/v1${route.path}`;
    actor = await authenticate(db, req);
    requirePermission(actor, route.permission);
    const { query, body } = await readInput(req, route, params, { db, actor });
    const out = await route.handler({ db, actor, path: params, query, body, ip });
    const status = route.status ?? 200;
    res =
      status === 204
        ? new Response(null, { status })
        : Response.json(out, { status, headers: { "Cache-Control": "no-store" } });
  } catch (e) {
    const err = toApiError(e, undefined, negotiateLocale(req.headers.get("accept-language")));
    if (err.status === 500) log("api").error({ err: e, path }, "API request failed");
    res = Response.json(
      { error: { status: err.status, message: err.message, fields: err.fields } },
      { status: err.status, headers: { "Cache-Control": "no-store" } },
    );
  }
  await logRequest(db, {
    actor,
    ip,
    method: req.method,
    path: `/api/v1${path}`,
    status: res.status,
    code: res.status,
    ms: Math.round(performance.now() - started),
  });
  observeRequest(routeName, req.method, res.status, (performance.now() - started) / 1000);
  return res;
}
