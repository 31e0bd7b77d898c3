import type { ModeParams } from "@/server/jobs/command-text";
import type { StoredJobInput } from "@/server/jobs/input";

export type Mode = "http" | "command" | "func" | "script" | "mail_pickup" | "site_pull";

const FORM_MODES: readonly string[] = ["http", "command", "func", "script", "mail_pickup", "site_pull"];
const EMPTY_MAIL = {
  to: [],
  cc: [],
  bcc: [],
  subject: "",
  body: "",
  attach: { mode: "all" as const },
  zipAboveBytes: 20 * 1024 * 1024,
  skipWhenEmpty: false,
};

/**
 * What the form edits: every field of the job (those it shows and those it does not, such as
 * the retention overrides, which an edit must keep), with the mode narrowed to the form's.
 */
export type JobFormValues = Omit<StoredJobInput, "mode" | "params" | "state"> & {
  mode: Mode;
  params: ModeParams[Mode];
  state: "waiting" | "stopped";
};

export const EMPTY_PARAMS: { [M in Mode]: ModeParams[M] } = {
  http: { url: "", method: "GET", headers: [], times: 1 },
  command: { command: "", env: {}, shell: "auto" },
  func: { name: "", args: [] },
  script: {
    scriptId: 0,
    args: [],
    env: {},
    mail: EMPTY_MAIL,
  },
  mail_pickup: { prefix: "", resend: false, afterSend: "archive", mail: EMPTY_MAIL },
  site_pull: { siteId: 0 },
};

/** A stored job (through the jobs domain's one mapping) → what the edit form starts from. */
export function formValuesOf(job: StoredJobInput): JobFormValues {
  const mode = FORM_MODES.includes(job.mode) ? (job.mode as Mode) : "http";
  return {
    ...job,
    mode,
    params: (job.params ?? EMPTY_PARAMS[mode]) as JobFormValues["params"],
    state: job.state,
    // Saving an edit runs the job only when the person ticks the box this time.
    runOnSave: false,
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
    alertRemindSeconds: 4 * 3600,
    mailLanguage: null,
    tags: [],
    retentionDays: null,
    retentionCount: null,
  };
}
