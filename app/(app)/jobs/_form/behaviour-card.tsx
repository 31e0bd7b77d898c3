"use client";
import { useTranslations } from "next-intl";
import { CheckboxField, SelectField, TextField } from "@/app/_components/field";
import { Card } from "@/app/_components/ui";
import { JOB_POLICIES, type JobPolicy, MISFIRE_POLICIES, type MisfirePolicy } from "@/server/lib/enums";
import type { CardProps } from "./types";

/** The settings that are a plain whole number (the timeout, which may be empty, is not). */
type CountKey = "catchUpLimit" | "retries" | "retryBackoffSeconds" | "maxRunCount";

/** One whole-number setting: its value, bounds and the save's errors under the field's key. */
function CountField({
  k,
  id,
  label,
  min,
  max,
  v,
  set,
  err,
}: CardProps & { k: CountKey; id: string; label: string; min: number; max?: number }) {
  return (
    <TextField
      id={id}
      label={label}
      errors={err[k]}
      type="number"
      min={min}
      max={max}
      value={v[k]}
      onChange={(e) => set(k, Number(e.target.value))}
    />
  );
}

/** How runs behave: overlap, misfires, timeouts, retries, limits, and the job's state. */
export function BehaviourCard(card: CardProps) {
  const { v, set, err } = card;
  const t = useTranslations("jobs");
  const tf = useTranslations("jobs.form");
  return (
    <Card title={tf("behaviour")}>
      <div className="grid gap-4 sm:grid-cols-3">
        <SelectField
          id="job-policy"
          label={t("policy")}
          errors={err.policy}
          value={v.policy}
          onChange={(e) => set("policy", e.target.value as JobPolicy)}
          options={JOB_POLICIES.map((p) => ({ value: p, label: t(`policyName.${p}`) }))}
        />
        <SelectField
          id="job-misfire"
          label={t("misfire")}
          errors={err.misfirePolicy}
          value={v.misfirePolicy}
          onChange={(e) => set("misfirePolicy", e.target.value as MisfirePolicy)}
          options={MISFIRE_POLICIES.map((p) => ({ value: p, label: t(`misfireName.${p}`) }))}
        />
        <CountField k="catchUpLimit" id="job-catchup" label={tf("catchUpLimit")} min={1} {...card} />
        <TextField
          id="job-timeout"
          label={tf("timeoutSeconds")}
          errors={err.timeoutSeconds}
          type="number"
          min={1}
          value={v.timeoutSeconds ?? ""}
          onChange={(e) => set("timeoutSeconds", e.target.value ? Number(e.target.value) : null)}
        />
        <CountField k="retries" id="job-retries" label={tf("retries")} min={0} max={10} {...card} />
        <CountField k="retryBackoffSeconds" id="job-backoff" label={tf("retryBackoff")} min={1} {...card} />
        <CountField k="maxRunCount" id="job-max" label={tf("maxRunCount")} min={0} {...card} />
        <CheckboxField
          id="job-state"
          label={tf("state")}
          checked={v.state === "waiting"}
          onChange={(e) => set("state", e.target.checked ? "waiting" : "stopped")}
        />
        <CheckboxField
          id="job-run-on-save"
          label={tf("runOnSave")}
          checked={v.runOnSave}
          onChange={(e) => set("runOnSave", e.target.checked)}
        />
      </div>
    </Card>
  );
}
