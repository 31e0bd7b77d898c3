/**
 * The TimerJobs HTTP API (seed 002), path by path: same methods, parameter names and JSON
 * shapes, answered by the same domain functions as the UI. Every answer is the envelope
 * `{code, msg, data}` (+ `total, pages_total, page, page_size` for lists); code 200 = success.
 * One file per tag; ../handle.ts parses each request with its route's input schema.
 */
import { FUNCTION_ROUTES } from "./functions";
import { IP_ROUTES } from "./ip";
import { JOB_ROUTES } from "./jobs";
import { LOG_ROUTES } from "./logs";
import type { CompatRoute } from "./shared";
import { SYSTEM_ROUTES } from "./system";

export type { CompatContext, CompatResult, CompatRoute } from "./shared";

export const COMPAT_ROUTES: CompatRoute[] = [
  ...JOB_ROUTES,
  ...LOG_ROUTES,
  ...SYSTEM_ROUTES,
  ...IP_ROUTES,
  ...FUNCTION_ROUTES,
];

/** /health (outside /jobs) answers the same as /jobs/health. */
export const HEALTH_PATH = "/health";

export function findCompatRoute(path: string): CompatRoute | undefined {
  if (path === HEALTH_PATH) return COMPAT_ROUTES.find((r) => r.path === "/jobs/health");
  return COMPAT_ROUTES.find((r) => r.path === path);
}
