import type { Actor } from "../../audit";
import { getDb } from "../../db/client";
import { msg } from "../../i18n/errors";
import { negotiateLocale } from "../../i18n/locale";
import { log } from "../../lib/log";
import { authorisePush, ingestPush, isSiteToken, PUSH_MAX_BYTES, type PushFile } from "../../sites/push";
import { apiError, authenticate, readBodyBytes, requestAddress, toApiError } from "../core";
import { logRequest } from "../request-log";

const MULTIPART = /^multipart\/form-data\s*;/i;

/** The pushed files: each multipart upload, or the raw body named by ?kind= / ?file=. */
async function pushedFiles(req: Request): Promise<PushFile[]> {
  const url = new URL(req.url);
  const kind = url.searchParams.get("kind");
  const name = url.searchParams.get("file");
  const type = req.headers.get("content-type") ?? "";
  const bytes = await readBodyBytes(req, PUSH_MAX_BYTES);
  if (!MULTIPART.test(type)) {
    if (/^application\/(x-www-form-urlencoded|json)/i.test(type)) {
      throw apiError(415, msg("api.pushContentType"));
    }
    return bytes.length ? [{ name, kind: (kind as PushFile["kind"]) ?? null, bytes }] : [];
  }
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(bytes), { headers: { "content-type": type } }).formData();
  } catch {
    throw apiError(400, msg("api.multipartUnreadable"));
  }
  const files: PushFile[] = [];
  for (const [field, value] of form.entries()) {
    if (typeof value === "string") continue;
    files.push({
      name: value.name || field,
      kind: (form.get("kind") as PushFile["kind"] | null) ?? (kind as PushFile["kind"]) ?? null,
      bytes: Buffer.from(await value.arrayBuffer()),
    });
  }
  return files;
}

/**
 * POST /api/v1/sites/{code}/ingest (issue 12). Its own handler: a site push token is not an
 * API token, and bodies are whole daily files (64 MiB), not definitions (1 MiB).
 */
export async function handleSitePush(req: Request, code: string): Promise<Response> {
  const started = performance.now();
  const db = getDb();
  const ip = requestAddress(req.headers);
  let actorName: Actor | null = null;
  let res: Response;
  try {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.get("authorization") ?? "")?.[1];
    let site: Awaited<ReturnType<typeof authorisePush>>;
    if (bearer && isSiteToken(bearer)) {
      site = await authorisePush(db, code, { kind: "site-token", token: bearer });
      actorName = { id: null, name: `site-token:${code}`, ip };
    } else {
      const actor = await authenticate(db, req);
      actorName = actor;
      site = await authorisePush(db, code, { kind: "actor", actor });
    }
    const out = await ingestPush(db, site, await pushedFiles(req));
    res = Response.json(out, { status: 200, headers: { "Cache-Control": "no-store" } });
  } catch (e) {
    const err = toApiError(e, undefined, negotiateLocale(req.headers.get("accept-language")));
    if (err.status === 500) log("api").error({ err: e, code }, "site push failed");
    res = Response.json(
      { error: { status: err.status, message: err.message, fields: err.fields } },
      { status: err.status, headers: { "Cache-Control": "no-store" } },
    );
  }
  await logRequest(db, {
    actor: actorName,
    ip,
    method: "POST",
    path: `/api/v1/sites/${code}/ingest`,
    status: res.status,
    code: res.status,
    ms: Math.round(performance.now() - started),
  });
  return res;
}
