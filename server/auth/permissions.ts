import type { Role } from "../lib/enums";

/**
 * What each role may do, as permission strings checked by `requirePermission()` in tRPC and by
 * route handlers. Viewers read; operators run and edit everyday things; admins manage users,
 * tokens, IP lists, and anything that executes arbitrary commands on the server.
 */
export const PERMISSIONS = {
  "dashboard.read": ["admin", "operator", "viewer"],
  "jobs.read": ["admin", "operator", "viewer"],
  "jobs.write": ["admin", "operator"],
  "jobs.run": ["admin", "operator"],
  /** Create, change or delete jobs that execute code or touch the host (server/jobs/host-access.ts). */
  "jobs.host": ["admin"],
  /** See secret values in job definitions (headers, cookies, passwords, env) and named secrets. */
  "jobs.secrets": ["admin"],
  "reports.read": ["admin", "operator", "viewer"],
  /** Make or revoke a link that opens a run's report without an account. */
  "reports.share": ["admin", "operator"],
  /** Sites' data, within the caller's sites (server/sites/sites.ts siteScope). */
  "sites.read": ["admin", "operator", "viewer"],
  /** Create sites, assign their people, pull now, push data, rotate push tokens (own sites). */
  "sites.write": ["admin", "operator"],
  "mail.read": ["admin", "operator", "viewer"],
  "mail.send": ["admin", "operator"],
  "users.manage": ["admin"],
  "audit.read": ["admin"],
  /** Download a backup of everything (optionally with password hashes and secrets) and restore one. */
  "backup.manage": ["admin"],
  /** Scrape GET /metrics (Prometheus): counts and host names of the whole installation. */
  "metrics.read": ["admin"],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function can(role: Role | undefined | null, permission: Permission): boolean {
  return !!role && (PERMISSIONS[permission] as readonly Role[]).includes(role);
}
