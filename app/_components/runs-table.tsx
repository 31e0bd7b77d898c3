"use client";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { Clip } from "@/app/_components/clip";
import type { RunStatus, RunTrigger } from "@/server/lib/enums";
import { DataList } from "./data-list";
import { Pager } from "./pager";
import { RunStatusBadge } from "./run-status";
import { formatMs } from "./sparkline";
import { DateTime } from "./time";
import { useTRPC } from "./trpc";
import { Alert, EmptyState } from "./ui";

export type RunFilters = { jobId?: number; status?: RunStatus; trigger?: RunTrigger };

/**
 * Runs, newest first, refreshed every few seconds; used on /runs and on a job's page. A run's
 * times show in the reader's zone, as on its run page and in its mail, so the three agree.
 */
export function RunsTable({
  filters,
  page,
  onPage,
  size = 25,
  showJob = true,
}: {
  filters: RunFilters;
  page: number;
  onPage: (p: number) => void;
  size?: number;
  showJob?: boolean;
}) {
  const t = useTranslations("runs");
  const tc = useTranslations("common");
  const trpc = useTRPC();
  const list = useQuery({
    ...trpc.runs.list.queryOptions({ ...filters, page, size }, { refetchInterval: 3_000 }),
    placeholderData: keepPreviousData,
  });
  if (list.error) return <Alert>{tc("error", { message: list.error.message })}</Alert>;
  if (!list.data) return <p className="text-sm text-gray-500">{tc("loading")}</p>;
  if (!list.data.items.length) {
    const filtered = !!(filters.status || filters.trigger);
    return (
      <EmptyState title={filtered ? t("emptyFiltered") : t("title")}>
        {filtered ? null : t("empty")}
      </EmptyState>
    );
  }
  return (
    <>
      <DataList
        rows={list.data.items}
        rowKey={(r) => r.id}
        rowHref={(r) => `/runs/${r.id}`}
        columns={[
          {
            key: "id",
            header: "#",
            primary: true,
            cell: (r) =>
              showJob ? (
                <Clip text={`#${r.id} · ${r.jobName}`} tap={false} className="max-w-[18rem]" />
              ) : (
                `#${r.id}`
              ),
          },
          { key: "status", header: t("status"), cell: (r) => <RunStatusBadge status={r.status} /> },
          { key: "trigger", header: t("trigger"), cell: (r) => t(`triggerName.${r.trigger}`) },
          {
            key: "scheduled",
            header: t("scheduled"),
            cell: (r) => <DateTime value={r.scheduledAt} />,
          },
          {
            key: "duration",
            header: t("duration"),
            cell: (r) =>
              r.startedAt && r.finishedAt
                ? formatMs(new Date(r.finishedAt).getTime() - new Date(r.startedAt).getTime())
                : r.startedAt
                  ? "…"
                  : "—",
          },
          {
            key: "lateness",
            header: t("lateness"),
            desktopOnly: true,
            cell: (r) =>
              r.startedAt && (r.trigger === "schedule" || r.trigger === "catch_up")
                ? formatMs(Math.max(0, new Date(r.startedAt).getTime() - new Date(r.scheduledAt).getTime()))
                : "—",
          },
          { key: "attempt", header: t("attempt"), desktopOnly: true, cell: (r) => r.attempt },
          {
            key: "error",
            header: t("error"),
            cell: (r) =>
              r.error ? <span className="line-clamp-2 text-red-700 dark:text-red-300">{r.error}</span> : "—",
          },
        ]}
      />
      <Pager page={page} size={size} total={list.data.total} onPage={onPage} />
    </>
  );
}
