/**
 * What the REST APIs (TimerJobs-compatible and /api/v1) share: who is calling (bearer token,
 * or loopback when API_LOOPBACK_ROLE allows it), the caller's address, reading parameters
 * from the query string and the body, and turning failures into one error shape.
 */
import { z } from "zod";
import type { Actor } from "../audit";
import { can, type Permission } from "../auth/permissions";
import type { Db } from "../db/client";
import { localizedMessage, type Msg, msg, renderMsg } from "../i18n/errors";
import type { Locale } from "../i18n/locale";
import { isLoopback } from "../lib/cidr";
import type { Role } from "../lib/enums";
import { env } from "../lib/env";
import { badValue, DomainError, type DomainErrorCode } from "../lib/errors";
import { jsonErrorMsg } from "../lib/json-error";
import { type FieldErrors, fieldErrorsFromIssues, unstorableValue } from "../lib/validation";
import { requestAddress } from "../net/client-address";
import { isCrossSite, RUN_MARKER_HEADER } from "../net/origin";
import { authenticateToken } from "../tokens/tokens";

export { requestAddress };

export type ApiActor = Actor & { role: Role };

export class ApiError extends Error {
  constructor(
    public readonly status: number,
    message: string,
    public readonly fields: FieldErrors | null = null,
    /** The catalog message, when there is one: toApiError renders it in the caller's language. */
    public readonly msg: Msg | null = null,
    /** The field `msg` is about: toApiError answers `field: text` and lists it under the field. */
    public readonly field: string | null = null,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** An ApiError with a catalog message (English text; toApiError renders the caller's language). */
export function apiError(status: number, m: Msg): ApiError {
  return new ApiError(status, renderMsg(m, "en"), null, m);
}

const DOMAIN_STATUS: Record<DomainErrorCode, number> = {
  BAD_REQUEST: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
  FORBIDDEN: 403,
  PRECONDITION_FAILED: 412,
};

/**
 * Any failure → status, message and per-field messages. `rename` maps domain field paths to
 * the names the caller used (TimerJobs: cron → cron_expr), so every message names a field the
 * caller knows.
 */
export function toApiError(
  e: unknown,
  rename: (path: string) => string = (p) => p,
  locale: Locale = "en",
): ApiError {
  if (e instanceof ApiError) {
    if (!e.msg) return e;
    const text = renderMsg(e.msg, locale);
    return e.field
      ? new ApiError(e.status, `${e.field}: ${text}`, { [e.field]: [text] }, e.msg, e.field)
      : new ApiError(e.status, text, e.fields, e.msg);
  }
  if (e instanceof DomainError) {
    const field = e.field ? rename(e.field) : null;
    const text = localizedMessage(e, locale);
    return new ApiError(
      DOMAIN_STATUS[e.code],
      field && !text.startsWith(`${field}:`) ? `${field}: ${text}` : text,
      field ? { [field]: [text] } : null,
    );
  }
  if (e instanceof z.ZodError) {
    const raw = fieldErrorsFromIssues(e.issues, locale);
    const fields: FieldErrors = {};
    for (const [k, v] of Object.entries(raw)) {
      const name = rename(k);
      fields[name] = [...(fields[name] ?? []), ...v];
    }
    const message = Object.entries(fields)
      .map(([k, v]) => `${k}: ${v.join(", ")}`)
      .join("; ");
    return new ApiError(400, message || renderMsg(msg("invalidInput"), locale), fields);
  }
  const refused = badValue(e);
  if (refused) return new ApiError(400, renderMsg(msg("invalidValue", { detail: refused }), locale));
  return new ApiError(500, renderMsg(msg("internal"), locale));
}

/** Bearer token → actor; or, when configured, loopback without a token. */
export async function authenticate(db: Db, req: Request): Promise<ApiActor> {
  const ip = requestAddress(req.headers);
  const header = req.headers.get("authorization") ?? "";
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (m?.[1]) {
    const r = await authenticateToken(db, m[1], ip);
    if (!r.ok) throw new ApiError(401, r.message, null, r.msg);
    return r.actor;
  }
  if (header) throw apiError(401, msg("apiAuth.bearerFormat"));
  const loopbackRole = env().API_LOOPBACK_ROLE;
  if (loopbackRole && ip && isLoopback(ip)) {
    // The loopback role is for scripts on this machine, not for whatever reaches loopback on
    // their behalf: a page in a local browser, or an http job that someone pointed at Kairos.
    if (req.headers.has(RUN_MARKER_HEADER)) {
      throw apiError(401, msg("apiAuth.httpJobNeedsToken"));
    }
    if (isCrossSite(req.headers, req.url)) {
      throw apiError(403, msg("apiAuth.crossSiteNeedsToken"));
    }
    return { id: null, name: "loopback", role: loopbackRole, ip };
  }
  throw apiError(401, msg("apiAuth.tokenRequiredBearer"));
}

export function requirePermission(actor: ApiActor, permission: Permission) {
  if (!can(actor.role, permission)) {
    throw apiError(403, msg("apiAuth.roleMayNot", { role: actor.role, permission }));
  }
}

/** Request bodies the APIs accept: far more than any job definition needs. */
export const API_MAX_BODY_BYTES = 1024 * 1024;

const JSON_TYPE = /^application\/([a-z0-9.+-]+\+)?json\s*(;|$)/i;
const FORM_TYPE = /^application\/x-www-form-urlencoded\s*(;|$)/i;

/**
 * The body as text, refused past API_MAX_BODY_BYTES (413 naming the limit) without reading
 * more than that.
 */
export async function readBodyText(req: Request): Promise<string> {
  return (await readBodyBytes(req)).toString("utf8");
}

/** The body's bytes, up to `limit` (by default readBodyText's; pushes of site files allow more). */
export async function readBodyBytes(req: Request, limit = API_MAX_BODY_BYTES): Promise<Buffer> {
  const tooLarge = () =>
    apiError(413, msg("api.bodyTooLarge", { limit: String(limit), mib: String(limit / 1024 / 1024) }));
  const declared = Number(req.headers.get("content-length") ?? "");
  if (declared > limit) throw tooLarge();
  if (!req.body) return Buffer.alloc(0);
  const reader = req.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    parts.push(value);
  }
  return Buffer.concat(parts);
}

/**
 * A JSON body, only under a JSON content type: a `text/plain` body is what a cross-site page
 * can send without a CORS preflight, so it is refused (415) rather than read as JSON.
 */
export function parseJsonBody(type: string, text: string): unknown {
  if (!JSON_TYPE.test(type.trim())) {
    throw apiError(
      415,
      type.trim()
        ? msg("api.jsonContentType", { type: type.split(";")[0]?.trim() ?? "" })
        : msg("api.jsonContentTypeMissing"),
    );
  }
  try {
    return JSON.parse(text);
  } catch {
    throw apiError(400, msg("api.bodyNotJson", { detail: jsonErrorMsg(text) }));
  }
}

/**
 * Query parameters and the body (JSON or form), merged — the body wins. TimerJobs clients send
 * ids either way (`/jobs/run?id=1` or `{"id":1}`).
 */
export async function readParams(req: Request): Promise<Record<string, unknown>> {
  const url = new URL(req.url);
  const out: Record<string, unknown> = {};
  for (const [k, v] of url.searchParams) out[k] = v;
  if (req.method === "GET" || req.method === "HEAD") return out;
  const type = req.headers.get("content-type") ?? "";
  const text = await readBodyText(req);
  if (!text.trim()) return out;
  if (FORM_TYPE.test(type.trim())) {
    for (const [k, v] of new URLSearchParams(text)) out[k] = v;
    return out;
  }
  if (/^multipart\/form-data/i.test(type.trim())) {
    throw apiError(415, msg("api.jsonOrForm"));
  }
  const body = parseJsonBody(type, text);
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw apiError(400, msg("api.bodyNotObject"));
  }
  return { ...out, ...(body as Record<string, unknown>) };
}

/** Refuses (400, naming the field) values no column can hold: NUL in text, 20-digit numbers. */
export function rejectUnstorable(params: unknown, rename: (path: string) => string = (p) => p) {
  const bad = unstorableValue(params);
  if (bad) {
    const field = rename(bad.field);
    throw new ApiError(400, `${field}: ${bad.message}`, { [field]: [bad.message] }, msg(bad.key), field);
  }
}

/** Strings from a query string or a form for the given keys → numbers / booleans when they look like one. */
export function coerce(
  params: Record<string, unknown>,
  numeric: readonly string[],
  booleans: readonly string[] = [],
) {
  const out = { ...params };
  for (const k of numeric) {
    const v = out[k];
    if (typeof v === "string") {
      const t = v.trim();
      out[k] = t === "" ? undefined : /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : v;
    }
  }
  for (const k of booleans) {
    const v = out[k];
    if (typeof v === "string") {
      const t = v.trim().toLowerCase();
      out[k] = ["1", "true", "yes", "on"].includes(t)
        ? true
        : ["0", "false", "no", "off", ""].includes(t)
          ? false
          : v;
    }
  }
  return out;
}

/** Values as JSON sends them (dates → ISO strings), then checked against the documented schema. */
export function shape<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  return schema.parse(JSON.parse(JSON.stringify(value)));
}
