import type { Actor } from "../audit";
import { can } from "../auth/permissions";
import { msg } from "../i18n/errors";
import type { JobMode } from "../lib/enums";
import { DomainError } from "../lib/errors";

/**
 * Built-ins whose effect stays inside Kairos or goes out over the network: operators may point
 * jobs at them. Every other function — File, Backup, Cleanup, Database, and any user function
 * (user code is code execution) — touches the host and is as powerful as command mode.
 * An allow-list on purpose: a new built-in or mode is admin-only until someone decides otherwise.
 */
const OPERATOR_FUNCTIONS = new Set(
  [
    "Dayin",
    "Test",
    "Hello",
    "Echo",
    "Time",
    "Math",
    "Noop",
    "Email",
    "SMS",
    "Webhook",
    "Monitor",
    "Report",
  ].map((n) => n.toLowerCase()),
);
const OPERATOR_MODES: readonly JobMode[] = ["http", "func", "site_pull"];

/**
 * Whether a job definition executes code or touches the host. Function names resolve case-
 * insensitively to built-ins (a user function may not take a built-in's name), so the name is
 * compared in lower case; an unknown name counts as a user function (it may appear later).
 */
export function isHostJob(mode: JobMode, params: unknown): boolean {
  if (!OPERATOR_MODES.includes(mode)) return true;
  if (mode !== "func") return false;
  const name = (params as { name?: unknown } | null)?.name;
  return typeof name !== "string" || !OPERATOR_FUNCTIONS.has(name.trim().toLowerCase());
}

/**
 * The one check for creating, changing or deleting a job definition that is (or would become)
 * a host job: it needs `jobs.host`. Running, stopping and restarting existing jobs need only
 * `jobs.run`. The system actor (no role: CLI on the server, migrations) passes.
 */
export function assertCanWriteJob(actor: Actor, job: { mode: JobMode; params: unknown }) {
  if (!actor.role || can(actor.role, "jobs.host") || !isHostJob(job.mode, job.params)) return;
  throw new DomainError(
    "FORBIDDEN",
    job.mode === "func" ? msg("hostFunctionsAdmin") : msg("modeAdmin", { mode: job.mode }),
    job.mode === "func" ? "params.name" : "mode",
  );
}
