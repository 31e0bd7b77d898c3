import { getDb } from "../../db/client";
import { msg } from "../../i18n/errors";
import { negotiateLocale } from "../../i18n/locale";
import { env } from "../../lib/env";
import { log } from "../../lib/log";
import { observeRequest } from "../../metrics/metrics";
import {
  type ApiActor,
  apiError,
  authenticate,
  coerce,
  readParams,
  rejectUnstorable,
  requestAddress,
  requirePermission,
  toApiError,
} from "../core";
import { logRequest } from "../request-log";
import { compatFieldName } from "./jobs-map";
import { type CompatResult, findCompatRoute } from "./routes";

type Envelope = {
  code: number;
  msg: string;
  data: unknown;
  total?: number;
  pages_total?: number;
  page_total?: number;
  page?: number;
  page_size?: number;
};

/**
 * HTTP status of an answer: 200 with the real code inside in compatibility mode (as the Python
 * TimerJobs; scripts read `code`), the real status otherwise.
 */
function respond(body: Envelope): Response {
  const status = env().TIMERJOBS_COMPAT_MODE ? 200 : body.code;
  return Response.json(body, { status, headers: { "Cache-Control": "no-store" } });
}

function envelope(r: CompatResult): Envelope {
  const code = r.code ?? 200;
  if (!r.page) return { code, msg: r.msg, data: r.data };
  const pages = Math.ceil(r.page.total / r.page.pageSize);
  return {
    code,
    msg: r.msg,
    data: r.data,
    total: r.page.total,
    pages_total: pages,
    // The Python TimerJobs spells it page_total.
    page_total: pages,
    page: r.page.page,
    page_size: r.page.pageSize,
  };
}

/** One TimerJobs API request; `path` is relative to TIMERJOBS_API_PREFIX (e.g. /jobs/add). */
export async function handleCompat(req: Request, path: string): Promise<Response> {
  const started = performance.now();
  const db = getDb();
  const ip = requestAddress(req.headers);
  let actor: ApiActor | null = null;
  let body: Envelope;
  let routeName = "unmatched";
  try {
    const route = findCompatRoute(path);
    if (route) routeName = `compat:${route.path}`;
    if (!route) throw apiError(404, msg("api.noEndpoint", { method: req.method, path }));
    if (!route.methods.includes(req.method as "GET")) {
      throw apiError(
        405,
        msg("api.methodsAllowed", { path, methods: route.methods.join(" / "), method: req.method }),
      );
    }
    if (route.permission) {
      actor = await authenticate(db, req);
      requirePermission(actor, route.permission);
    }
    const raw = coerce(await readParams(req), route.numeric ?? [], route.booleans ?? []);
    rejectUnstorable(raw, compatFieldName);
    const params = route.input ? route.input.parse(raw) : {};
    body = envelope(await route.handler({ db, actor, params, ip, method: req.method }));
  } catch (e) {
    // `msg` follows Accept-Language (English without one), whatever the web UI's language.
    const err = toApiError(e, compatFieldName, negotiateLocale(req.headers.get("accept-language")));
    if (err.status === 500) log("api").error({ err: e, path }, "TimerJobs API request failed");
    body = { code: err.status, msg: err.message, data: err.fields ? { errors: err.fields } : null };
  }
  await logRequest(db, {
    actor,
    ip,
    method: req.method,
    path,
    status: env().TIMERJOBS_COMPAT_MODE ? 200 : body.code,
    code: body.code,
    ms: Math.round(performance.now() - started),
  });
  observeRequest(routeName, req.method, body.code, (performance.now() - started) / 1000);
  return respond(body);
}
