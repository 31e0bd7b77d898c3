/**
 * Which request paths are TimerJobs API calls. Kept free of imports: proxy.ts uses it on every
 * request. The UI owns /jobs, /jobs/new and /jobs/<number>[/…]; everything else under /jobs/
 * is the API's, so an API client never gets the login page's HTML: a name the API does not
 * know is answered by the API's own {code: 404, msg}. test/api/units.test.ts keeps this list
 * (the API's names) in step with the route table.
 */
export const COMPAT_JOB_NAMES = new Set([
  "add",
  "edit",
  "del",
  "list",
  "read",
  "run",
  "stop",
  "restart",
  "runAll",
  "stopAll",
  "logs",
  "zapLogs",
  "jobStatus",
  "jobState",
  "scheduler",
  "checkJob",
  "switchState",
  "dbinfo",
  "reload-config",
  "ip-control",
  "functions",
  "health",
]);

export const COMPAT_BASE = "/api/compat";

/** /jobs/new and /jobs/<id>/… are pages (the API's names are never numeric and never "new"). */
const isUiJobSegment = (segment: string) => segment === "new" || /^\d+$/.test(segment);

/** The internal path a TimerJobs call is served from, or null when the path is not one. */
export function compatTarget(pathname: string, prefix: string): string | null {
  let rest = pathname;
  if (prefix) {
    if (pathname !== prefix && !pathname.startsWith(`${prefix}/`)) return null;
    rest = pathname.slice(prefix.length) || "/";
  }
  if (rest === "/health") return `${COMPAT_BASE}/health`;
  const m = /^\/jobs\/([^/]+)(?:\/.*)?$/.exec(rest);
  // Under a prefix everything is the API's (unknown paths get its JSON 404).
  if (!m) return prefix ? `${COMPAT_BASE}${rest}` : null;
  const name = m[1] ?? "";
  if (!prefix && isUiJobSegment(name)) return null;
  return `${COMPAT_BASE}${rest}`;
}

/** Health endpoints stay reachable from addresses outside the allow list (the deny list still applies). */
export function isHealthPath(pathname: string, prefix: string): boolean {
  if (pathname === "/api/health") return true;
  const t = compatTarget(pathname, prefix);
  return t === `${COMPAT_BASE}/health` || t === `${COMPAT_BASE}/jobs/health`;
}
