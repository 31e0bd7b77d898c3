import type { JobView } from "@/server/jobs/jobs";
import { EMPTY_PARAMS, type JobFormValues } from "./job-form";

/** A stored job → what the edit form starts from. */
export function formValuesOf(job: JobView): JobFormValues {
  const mode = job.mode === "http" || job.mode === "command" || job.mode === "func" ? job.mode : "http";
  return {
    name: job.name,
    description: job.description,
    cron: job.cron,
    timezone: job.timezone,
    mode,
    params: (job.params ?? EMPTY_PARAMS[mode]) as JobFormValues["params"],
    state: job.state,
    policy: job.policy,
    runOnSave: false,
    maxRunCount: job.maxRunCount,
    timeoutSeconds: job.timeoutSeconds,
    retries: job.retries,
    retryBackoffSeconds: job.retryBackoffSeconds,
    misfirePolicy: job.misfirePolicy,
    catchUpLimit: job.catchUpLimit,
    onSuccessStart: job.onSuccessStart,
    onFailureStart: job.onFailureStart,
    notifyEmails: job.notifyEmails,
    tags: job.tags,
  };
}

export function newJobValues(timezone: string): JobFormValues {
  return {
    name: "",
    description: "",
    cron: "0 */5 * * * *",
    timezone,
    mode: "http",
    params: EMPTY_PARAMS.http,
    state: "waiting",
    policy: "parallel",
    runOnSave: false,
    maxRunCount: 0,
    timeoutSeconds: null,
    retries: 0,
    retryBackoffSeconds: 10,
    misfirePolicy: "run_once",
    catchUpLimit: 10,
    onSuccessStart: [],
    onFailureStart: [],
    notifyEmails: [],
    tags: [],
  };
}
