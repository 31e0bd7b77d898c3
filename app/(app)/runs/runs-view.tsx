"use client";
import { useTranslations } from "next-intl";
import { useListParams } from "@/app/_components/list-params";
import { RunsTable } from "@/app/_components/runs-table";
import { Input, Select } from "@/app/_components/ui";
import { RUN_STATUSES, RUN_TRIGGERS, type RunStatus, type RunTrigger } from "@/server/lib/enums";

export function RunsView() {
  const t = useTranslations("runs");
  const tc = useTranslations("common");
  const { values, page, set } = useListParams(["status", "trigger", "job"] as const);
  const status = (RUN_STATUSES as readonly string[]).includes(values.status)
    ? (values.status as RunStatus)
    : undefined;
  const trigger = (RUN_TRIGGERS as readonly string[]).includes(values.trigger)
    ? (values.trigger as RunTrigger)
    : undefined;
  const jobId = Number(values.job) > 0 ? Number(values.job) : undefined;
  return (
    <div className="space-y-4">
      <div className="flex flex-col gap-2 sm:flex-row">
        <Select
          aria-label={t("status")}
          value={status ?? ""}
          onChange={(e) => set({ status: e.target.value })}
          className="sm:max-w-48"
        >
          <option value="">
            {t("status")}: {tc("all")}
          </option>
          {RUN_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`statusName.${s}`)}
            </option>
          ))}
        </Select>
        <Select
          aria-label={t("trigger")}
          value={trigger ?? ""}
          onChange={(e) => set({ trigger: e.target.value })}
          className="sm:max-w-48"
        >
          <option value="">
            {t("trigger")}: {tc("all")}
          </option>
          {RUN_TRIGGERS.map((s) => (
            <option key={s} value={s}>
              {t(`triggerName.${s}`)}
            </option>
          ))}
        </Select>
        <Input
          aria-label={t("job")}
          inputMode="numeric"
          placeholder={`${t("job")} ID`}
          defaultValue={values.job}
          onBlur={(e) => set({ job: e.target.value.trim() })}
          onKeyDown={(e) => {
            if (e.key === "Enter") set({ job: (e.target as HTMLInputElement).value.trim() });
          }}
          className="sm:max-w-40"
        />
      </div>
      <RunsTable filters={{ status, trigger, jobId }} page={page} onPage={(p) => set({ page: p })} />
    </div>
  );
}
