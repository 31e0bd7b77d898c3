"use client";
import { useTranslations } from "next-intl";
import { CheckboxField, SelectField, TextField } from "@/app/_components/field";
import { Card } from "@/app/_components/ui";
import { JOB_POLICIES, type JobPolicy, MISFIRE_POLICIES, type MisfirePolicy } from "@/server/lib/enums";
import type { CardProps } from "./types";

/** How runs behave: overlap, misfires, timeouts, retries, limits, and the job's state. */
export function BehaviourCard({ v, set, err }: CardProps) {
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
        <TextField
          id="job-catchup"
          label={tf("catchUpLimit")}
          errors={err.catchUpLimit}
          type="number"
          min={1}
          value={v.catchUpLimit}
          onChange={(e) => set("catchUpLimit", Number(e.target.value))}
        />
        <TextField
          id="job-timeout"
          label={tf("timeoutSeconds")}
          errors={err.timeoutSeconds}
          type="number"
          min={1}
          value={v.timeoutSeconds ?? ""}
          onChange={(e) => set("timeoutSeconds", e.target.value ? Number(e.target.value) : null)}
        />
        <TextField
          id="job-retries"
          label={tf("retries")}
          errors={err.retries}
          type="number"
          min={0}
          max={10}
          value={v.retries}
          onChange={(e) => set("retries", Number(e.target.value))}
        />
        <TextField
          id="job-backoff"
          label={tf("retryBackoff")}
          errors={err.retryBackoffSeconds}
          type="number"
          min={1}
          value={v.retryBackoffSeconds}
          onChange={(e) => set("retryBackoffSeconds", Number(e.target.value))}
        />
        <TextField
          id="job-max"
          label={tf("maxRunCount")}
          errors={err.maxRunCount}
          type="number"
          min={0}
          value={v.maxRunCount}
          onChange={(e) => set("maxRunCount", Number(e.target.value))}
        />
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
