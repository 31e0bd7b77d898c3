"use client";
import { useTranslations } from "next-intl";
import { FilterBar } from "@/app/_components/filter-bar";
import { useListParams } from "@/app/_components/list-params";
import { RunsTable } from "@/app/_components/runs-table";
import { RUN_STATUSES, RUN_TRIGGERS, type RunStatus, type RunTrigger } from "@/server/lib/enums";

export function RunsView() {
  const t = useTranslations("runs");
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
      <FilterBar
        values={{ status: status ?? "", trigger: trigger ?? "", job: values.job }}
        onChange={set}
        filters={[
          {
            kind: "select",
            key: "status",
            label: t("status"),
            options: RUN_STATUSES.map((s) => ({ value: s, label: t(`statusName.${s}`) })),
          },
          {
            kind: "select",
            key: "trigger",
            label: t("trigger"),
            options: RUN_TRIGGERS.map((s) => ({ value: s, label: t(`triggerName.${s}`) })),
          },
          { kind: "text", key: "job", label: t("job"), placeholder: `${t("job")} ID`, numeric: true },
        ]}
      />
      <RunsTable filters={{ status, trigger, jobId }} page={page} onPage={(p) => set({ page: p })} />
    </div>
  );
}
