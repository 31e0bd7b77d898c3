// Stored job → the input it would be created from: the one mapping every edit starts from
// (the UI form, TimerJobs /jobs/edit, PATCH /api/v1/jobs/{id}), so a client that changes a
// few fields keeps all the others. No runtime imports: the UI's form code may import it.
import type { JobRow } from "../db/schema";
import type { JobInput } from "./schema";

/**
 * Every input field except the 【key】value text (`params` stand for it), all required: a
 * field added to the schema does not compile here until it is mapped.
 */
export type StoredJobInput = Required<Omit<JobInput, "command">>;

export function jobInputOf(job: JobRow): StoredJobInput {
  return {
    name: job.name,
    description: job.description,
    cron: job.cron,
    timezone: job.timezone,
    mode: job.mode,
    params: job.params as Record<string, unknown>,
    state: job.state,
    policy: job.policy,
    runOnSave: job.runOnSave,
    maxRunCount: job.maxRunCount,
    timeoutSeconds: job.timeoutSeconds,
    retries: job.retries,
    retryBackoffSeconds: job.retryBackoffSeconds,
    misfirePolicy: job.misfirePolicy,
    catchUpLimit: job.catchUpLimit,
    onSuccessStart: job.onSuccessStart,
    onFailureStart: job.onFailureStart,
    notifyEmails: job.notifyEmails,
    alertRemindSeconds: job.alertRemindSeconds,
    mailLanguage: job.mailLanguage,
    tags: job.tags,
    retentionDays: job.retentionDays,
    retentionCount: job.retentionCount,
  };
}

/** Fields a partial edit may name, in the domain's spelling. */
export type JobPatch = Partial<JobInput>;

/**
 * The given fields over the stored job. New parameters (`params`) or new text (`command`)
 * replace the stored parameters; a new mode without either re-reads the stored 【key】value
 * text in that mode (and the schema says so if it does not fit).
 */
export function applyJobPatch(
  stored: StoredJobInput,
  storedText: string,
  patch: JobPatch,
): JobInput & { command?: string } {
  const { params, command, ...rest } = patch;
  const out: JobInput = { ...stored };
  for (const [k, v] of Object.entries(rest)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  if (params !== undefined) {
    out.params = params;
  } else if (command !== undefined) {
    out.params = undefined;
    out.command = command;
  } else if (patch.mode !== undefined && patch.mode !== stored.mode) {
    out.params = undefined;
    out.command = storedText;
  }
  return out;
}
