import { STATUS_CODES } from "node:http";
import { type Dispatcher, fetch, type Response } from "undici";
import { RUN_MARKER_HEADER } from "../../net/origin";
import type { ExecContext, Executor, RunOutput } from "../executor";
import { formatBytes, readBody, writeBody } from "./http-body";
import { createDispatcher, maskUrl } from "./http-dispatcher";
import type { HttpParams } from "./params";

const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

type Header = [name: string, value: string];
/** One request on the wire: the first one, or the next after a redirect. */
type Hop = { method: string; url: string; headers: Header[]; body: string | undefined };
type RequestRecord = { status: number; ms: number; bytes: number };

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

  let dispatcher: Dispatcher;
  try {
    dispatcher = createDispatcher(params.proxy);
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
    await dispatcher.destroy().catch(() => {});
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
 * fetch refuses URLs with credentials; curl turns them into Basic auth, so we do too. The hop URL
 * keeps them for the output (masked) and loses them on the wire (withoutCredentials).
 */
function urlCredentials(raw: string): string | null {
  const url = new URL(raw);
  if (!url.username && !url.password) return null;
  const pair = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  return `Basic ${Buffer.from(pair).toString("base64")}`;
}

function withoutCredentials(raw: string): string {
  const url = new URL(raw);
  url.username = "";
  url.password = "";
  return url.href;
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
    const res = await fetch(withoutCredentials(hop.url), {
      method: hop.method,
      headers: hop.headers,
      body: hop.body,
      // Followed here rather than by fetch: to cap them at 5 and to show every hop in the output.
      redirect: "manual",
      signal: ctx.signal,
      dispatcher,
    });
    const location = res.headers.get("location");
    if (REDIRECT_STATUSES.has(res.status) && location) {
      await res.body?.cancel();
      writeHead(ctx.out, res, `${elapsed(started)} ms`);
      if (redirects === MAX_REDIRECTS) {
        requests.push({ status: res.status, ms: elapsed(started), bytes: 0 });
        return `too many redirects (more than ${MAX_REDIRECTS})`;
      }
      hop = redirectHop(hop, res.status, location);
      continue;
    }
    const body = await readBody(res.body, needle);
    const ms = elapsed(started);
    requests.push({ status: res.status, ms, bytes: body.bytes });
    writeHead(ctx.out, res, `${ms} ms · ${formatBytes(body.bytes)}`);
    writeBody(ctx.out, res.headers.get("content-type"), body);
    if (res.status < 200 || res.status > 299) return `HTTP ${res.status} ${statusText(res)}`.trimEnd();
    if (needle && !body.found) return `response does not contain ${JSON.stringify(needle)}`;
    return null;
  }
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

function writeHead(out: RunOutput, res: Response, facts: string): void {
  out.write("system", `← ${res.status} ${statusText(res)} · ${facts}\n`);
  const lines = [...res.headers].map(([name, value]) => `${name}: ${value}\n`);
  if (lines.length > 0) out.write("system", lines.join(""));
}

function statusText(res: Response): string {
  return res.statusText || STATUS_CODES[res.status] || "";
}

function elapsed(since: number): number {
  return Math.round(performance.now() - since);
}

/**
 * One line for people. undici's fetch throws "fetch failed" and keeps the reason in `cause`
 * (an AggregateError when every address of a host was tried).
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
