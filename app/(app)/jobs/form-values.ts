import type { ModeParams } from "@/server/jobs/command-text";
import type { JobView } from "@/server/jobs/jobs";
import type { JobPolicy, MisfirePolicy } from "@/server/lib/enums";

export type Mode = "http" | "command" | "func";

/** What the form edits: the job, with list-like fields as the text a person types. */
export type JobFormValues = {
  name: string;
  description: string;
  cron: string;
  timezone: string;
  mode: Mode;
  params: ModeParams[Mode];
  state: "waiting" | "stopped";
  policy: JobPolicy;
  runOnSave: boolean;
  maxRunCount: number;
  timeoutSeconds: number | null;
  retries: number;
  retryBackoffSeconds: number;
  misfirePolicy: MisfirePolicy;
  catchUpLimit: number;
  onSuccessStart: number[];
  onFailureStart: number[];
  notifyEmails: string[];
  tags: string[];
};

export const EMPTY_PARAMS: { [M in Mode]: ModeParams[M] } = {
  http: { url: "", method: "GET", headers: [], times: 1 },
  command: { command: "", env: {}, shell: "auto" },
  func: { name: "", args: [] },
};

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
