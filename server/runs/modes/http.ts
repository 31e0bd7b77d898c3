import { STATUS_CODES } from "node:http";
import { pipeline, type Readable } from "node:stream";
import zlib from "node:zlib";
import type { Dispatcher } from "undici";
import { appVersion } from "../../lib/app-info";
import { RUN_MARKER_HEADER } from "../../net/origin";
import type { ExecContext, Executor, RunOutput } from "../executor";
import { formatBytes, readBody, writeBody } from "./http-body";
import { createDispatcher, maskUrl, sharedDispatcher } from "./http-dispatcher";
import type { HttpParams } from "./params";

const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

type Header = [name: string, value: string];
/** One request on the wire: the first one, or the next after a redirect. */
type Hop = { method: string; url: string; headers: Header[]; body: string | undefined };
type RequestRecord = { status: number; ms: number; bytes: number };
type Answer = Dispatcher.ResponseData;

/**
 * The `http` mode: `times` requests in a row, each must end (after redirects) in a 2xx whose body
 * contains `result` when that is set. Stops at the first failure.
 */
export const runHttp: Executor<HttpParams> = async (params, ctx) => {
  const requests: RequestRecord[] = [];
  const finish = (error: string | null) => ({
    ok: error === null,
    httpStatus: requests.at(-1)?.status ?? null,
    error,
    result: { requests },
  });
  if (ctx.signal.aborted) return finish("aborted");

  // Without a proxy, runs share one keep-alive pool: a job that fires every second reuses its
  // connection instead of paying a connect and a close each time (issue 9). A proxy gets a pool
  // of its own per run, closed when the run ends.
  let dispatcher: Dispatcher;
  try {
    dispatcher = params.proxy ? createDispatcher(params.proxy) : sharedDispatcher();
  } catch (e) {
    return finish(`invalid proxy ${maskUrl(params.proxy ?? "")}: ${describeError(e)}`);
  }
  if (params.proxy) ctx.out.write("system", `via proxy ${maskUrl(params.proxy)}\n`);

  const first = firstHop(params, ctx.out, ctx.runId);
  const times = Math.max(1, params.times);
  try {
    for (let i = 1; i <= times; i++) {
      const label = times > 1 ? `  [${i}/${times}]` : "";
      const failure = await requestOnce(first, params.result, label, dispatcher, ctx, requests);
      if (failure) return finish(failure);
    }
    return finish(null);
  } catch (e) {
    return finish(ctx.signal.aborted ? "aborted" : describeError(e));
  } finally {
    // destroy, not close: after an abort a request may still be in flight and must not be awaited.
    if (params.proxy) await dispatcher.destroy().catch(() => {});
  }
};

/** Headers, cookies and body as configured; says so when data cannot be sent. */
function firstHop(params: HttpParams, out: RunOutput, runId: number): Hop {
  const headers: Header[] = params.headers
    .filter(([name]) => name.toLowerCase() !== RUN_MARKER_HEADER)
    .map(([name, value]) => [name, value]);
  // Marks the request as a job's: Kairos' own APIs never treat it as a loopback caller.
  headers.push(["X-Kairos-Run", String(runId)]);
  if (params.cookies) {
    const at = headers.findIndex(([name]) => name.toLowerCase() === "cookie");
    const existing = headers[at];
    if (existing) headers[at] = [existing[0], `${existing[1]}; ${params.cookies}`];
    else headers.push(["Cookie", params.cookies]);
  }
  const has = (name: string) => headers.some(([n]) => n.toLowerCase() === name);
  // What curl and fetch send when not told otherwise.
  if (!has("user-agent")) headers.push(["User-Agent", `Kairos/${appVersion()}`]);
  if (!has("accept")) headers.push(["Accept", "*/*"]);
  const auth = urlCredentials(params.url);
  if (auth && !headers.some(([name]) => name.toLowerCase() === "authorization")) {
    headers.push(["Authorization", auth]);
  }
  let body: string | undefined;
  if (params.data !== undefined) {
    if (params.method === "GET" || params.method === "HEAD") {
      // Servers and proxies may drop or reject a GET/HEAD body, so none is sent rather than a surprise.
      out.write("system", `data ignored for ${params.method}: no request body is sent\n`);
    } else {
      body = params.data;
      if (!headers.some(([name]) => name.toLowerCase() === "content-type")) {
        headers.push(["Content-Type", defaultContentType(params.data)]);
      }
    }
  }
  return { method: params.method, url: params.url, headers, body };
}

/**
 * Credentials in a URL become Basic auth, as curl does. The hop URL keeps them for the output
 * (masked); they never go on the wire as part of the URL.
 */
function urlCredentials(raw: string): string | null {
  const url = new URL(raw);
  if (!url.username && !url.password) return null;
  const pair = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  return `Basic ${Buffer.from(pair).toString("base64")}`;
}

const FORM_BODY = /^[^=&\s]+=[^&]*(?:&[^=&\s]+=[^&]*)*$/;

/** What the data looks like, for when no Content-Type header was given. */
export function defaultContentType(data: string): string {
  try {
    JSON.parse(data);
    return "application/json";
  } catch {
    return FORM_BODY.test(data.trim()) ? "application/x-www-form-urlencoded" : "text/plain; charset=utf-8";
  }
}

/** One request with its redirects; returns why it failed, or null. */
async function requestOnce(
  first: Hop,
  needle: string | undefined,
  label: string,
  dispatcher: Dispatcher,
  ctx: ExecContext,
  requests: RequestRecord[],
): Promise<string | null> {
  const started = performance.now();
  let hop = first;
  for (let redirects = 0; ; redirects++) {
    ctx.out.write("system", `→ ${hop.method} ${maskUrl(hop.url)}${label}\n`);
    const url = new URL(hop.url);
    // undici's request API rather than fetch: a fraction of the work per request, and redirects
    // are ours anyway (capped at 5, every hop in the output).
    const res = await dispatcher.request({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: hop.method as Dispatcher.HttpMethod,
      headers: hop.headers.flat(),
      body: hop.body,
      signal: ctx.signal,
    });
    const location = header(res, "location");
    if (REDIRECT_STATUSES.has(res.statusCode) && location) {
      await res.body.dump();
      writeHead(ctx.out, res, `${elapsed(started)} ms`);
      if (redirects === MAX_REDIRECTS) {
        requests.push({ status: res.statusCode, ms: elapsed(started), bytes: 0 });
        return `too many redirects (more than ${MAX_REDIRECTS})`;
      }
      hop = redirectHop(hop, res.statusCode, location);
      continue;
    }
    const body = await readBody(decoded(res), needle);
    const ms = elapsed(started);
    requests.push({ status: res.statusCode, ms, bytes: body.bytes });
    writeHead(ctx.out, res, `${ms} ms · ${formatBytes(body.bytes)}`);
    writeBody(ctx.out, header(res, "content-type"), body);
    if (res.statusCode < 200 || res.statusCode > 299)
      return `HTTP ${res.statusCode} ${statusText(res)}`.trimEnd();
    if (needle && !body.found) return `response does not contain ${JSON.stringify(needle)}`;
    return null;
  }
}

function header(res: Answer, name: string): string | null {
  const v = res.headers[name];
  return Array.isArray(v) ? (v[0] ?? null) : (v ?? null);
}

/** The body as the server meant it: compressed encodings are undone, as fetch and browsers do. */
function decoded(res: Answer): Readable {
  const encoding = header(res, "content-encoding")?.trim().toLowerCase();
  const inflate =
    encoding === "gzip" || encoding === "x-gzip"
      ? zlib.createGunzip()
      : encoding === "deflate"
        ? zlib.createInflate()
        : encoding === "br"
          ? zlib.createBrotliDecompress()
          : null;
  if (!inflate) return res.body;
  return pipeline(res.body, inflate, () => {});
}

/**
 * The request a redirect asks for, as browsers do it: 303 (and 301/302 after a POST) becomes a
 * bodiless GET; credentials are not carried to another origin.
 */
function redirectHop(hop: Hop, status: number, location: string): Hop {
  const url = new URL(location, hop.url).href;
  const toGet =
    status === 303 ? hop.method !== "HEAD" : (status === 301 || status === 302) && hop.method === "POST";
  const drop = new Set<string>();
  if (toGet) drop.add("content-type").add("content-length");
  if (new URL(url).origin !== new URL(hop.url).origin) drop.add("authorization").add("cookie");
  return {
    method: toGet ? "GET" : hop.method,
    url,
    headers: hop.headers.filter(([name]) => !drop.has(name.toLowerCase())),
    body: toGet ? undefined : hop.body,
  };
}

function writeHead(out: RunOutput, res: Answer, facts: string): void {
  out.write("system", `← ${res.statusCode} ${statusText(res)} · ${facts}\n`);
  const lines: string[] = [];
  for (const [name, value] of Object.entries(res.headers)) {
    for (const v of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${v}\n`);
  }
  if (lines.length > 0) out.write("system", lines.join(""));
}

function statusText(res: Answer): string {
  return STATUS_CODES[res.statusCode] ?? "";
}

function elapsed(since: number): number {
  return Math.round(performance.now() - since);
}

/**
 * One line for people. The reason may sit in `cause` (an AggregateError when every address of a
 * host was tried).
 */
function describeError(e: unknown): string {
  let err = e instanceof Error && e.cause !== undefined ? e.cause : e;
  if (err instanceof AggregateError && err.errors.length > 0) err = err.errors[0];
  if (!(err instanceof Error)) return String(err);
  const code = (err as { code?: unknown }).code;
  if (typeof code === "string" && !err.message.includes(code))
    return `${code}: ${err.message}`.replace(/: $/, "");
  return err.message || err.name;
}
