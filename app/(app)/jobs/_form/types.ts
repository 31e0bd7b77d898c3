import type { ModeParams } from "@/server/jobs/command-text";
import type { JobFormValues, Mode } from "../form-values";

/** Per-field messages of the last save (fieldErrorsOf): "name", "params.url", … */
export type FieldErrors = Record<string, string[]>;

/** What each card of the job form gets: the values, a setter, and the save's field errors. */
export type CardProps = {
  v: JobFormValues;
  set: <K extends keyof JobFormValues>(k: K, value: JobFormValues[K]) => void;
  err: FieldErrors;
};

/** What a mode's fields get: that mode's params, a patcher, and the save's field errors. */
export type ModeFieldsProps<M extends Mode> = {
  params: ModeParams[M];
  setParam: (patch: Partial<ModeParams[M]>) => void;
  err: FieldErrors;
  /** The job being edited (absent while creating one). */
  jobId?: number;
};
