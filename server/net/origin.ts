import { env } from "../lib/env";

/**
 * Header that Kairos' http jobs put on every request they make (value: the run id). A request
 * carrying it comes from a job, whoever wrote that job, so it never gets the loopback role.
 */
export const RUN_MARKER_HEADER = "x-kairos-run";

/** Origins Kairos itself is served from: the request's own, and PUBLIC_URL's. */
function ownOrigins(headers: Headers, url: string): Set<string> {
  const out = new Set<string>();
  try {
    const u = new URL(url);
    out.add(u.origin);
    const host = headers.get("host");
    if (host) out.add(`${u.protocol}//${host}`);
  } catch {}
  const pub = env().PUBLIC_URL;
  if (pub) out.add(new URL(pub).origin);
  return out;
}

/**
 * Whether a browser sent this request on behalf of another site (or an opaque origin):
 * `Sec-Fetch-Site` says so, or `Origin` names someone else. Clients that send neither (curl,
 * scripts) are not browsers acting for a page, so they are not cross-site.
 */
export function isCrossSite(headers: Headers, url: string): boolean {
  const site = headers.get("sec-fetch-site");
  if (site === "cross-site" || site === "same-site") return true;
  const origin = headers.get("origin");
  if (origin === null) return false;
  if (origin === "null") return true;
  return !ownOrigins(headers, url).has(origin.replace(/\/+$/, ""));
}
