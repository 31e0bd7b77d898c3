"use client";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { Clip } from "@/app/_components/clip";
import { useConfirm } from "@/app/_components/confirm";
import { DataList } from "@/app/_components/data-list";
import { FilterBar } from "@/app/_components/filter-bar";
import { useListParams } from "@/app/_components/list-params";
import { Pager } from "@/app/_components/pager";
import { JobStateBadge, RunStatusBadge } from "@/app/_components/run-status";
import { Sparkline } from "@/app/_components/sparkline";
import { DateTime, RelativeTime } from "@/app/_components/time";
import { useTRPC } from "@/app/_components/trpc";
import { Alert, Badge, Button, EmptyState } from "@/app/_components/ui";
import { JOB_MODES, type JobMode } from "@/server/lib/enums";

const SIZE = 25;
const STATES = ["waiting", "running", "stopped"] as const;

export function JobsList({ canWrite, canRun }: { canWrite: boolean; canRun: boolean }) {
  const t = useTranslations("jobs");
  const tc = useTranslations("common");
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { values, page, set } = useListParams(["q", "state", "mode", "tag"] as const);
  const state = (STATES as readonly string[]).includes(values.state)
    ? (values.state as (typeof STATES)[number])
    : undefined;
  const mode = (JOB_MODES as readonly string[]).includes(values.mode) ? (values.mode as JobMode) : undefined;
  const list = useQuery({
    ...trpc.jobs.list.queryOptions(
      { page, size: SIZE, q: values.q || undefined, state, mode, tag: values.tag || undefined },
      { refetchInterval: 5_000 },
    ),
    placeholderData: keepPreviousData,
  });
  const scheduler = useQuery(trpc.jobs.scheduler.queryOptions(undefined, { refetchInterval: 10_000 }));
  const tp = useTranslations("jobPage");
  const [dialog, ask] = useConfirm();
  const invalidate = () => qc.invalidateQueries({ queryKey: trpc.jobs.pathKey() });
  const pause = useMutation(trpc.jobs.setPaused.mutationOptions({ onSuccess: invalidate }));
  const runNow = useMutation(trpc.jobs.runNow.mutationOptions({ onSuccess: invalidate }));
  const filtered = !!(values.q || state || mode || values.tag);

  return (
    <div className="space-y-4">
      {dialog}
      {scheduler.data?.paused && (
        <Alert tone="amber">
          <div className="flex flex-wrap items-center justify-between gap-2">
            <span>{t("paused")}</span>
            {canWrite && (
              <Button onClick={() => pause.mutate({ paused: false })} disabled={pause.isPending}>
                {t("resumeAll")}
              </Button>
            )}
          </div>
        </Alert>
      )}
      <FilterBar
        values={{ ...values, state: state ?? "", mode: mode ?? "" }}
        onChange={set}
        filters={[
          { kind: "search", key: "q", label: tc("search"), placeholder: t("searchPlaceholder") },
          {
            kind: "select",
            key: "state",
            label: t("state"),
            options: STATES.map((s) => ({ value: s, label: t(`stateName.${s}`) })),
          },
          {
            kind: "select",
            key: "mode",
            label: t("mode"),
            options: (["http", "command", "func"] as const).map((m) => ({
              value: m,
              label: t(`modeName.${m}`),
            })),
          },
        ]}
        actions={
          canWrite && !scheduler.data?.paused ? (
            <Button
              variant="secondary"
              data-testid="jobs-pause-all"
              onClick={async () => {
                const ok = await ask({
                  title: tp("confirmPauseAll"),
                  body: tp("confirmPauseAllBody"),
                  confirm: t("pauseAll"),
                  danger: true,
                });
                if (ok) pause.mutate({ paused: true });
              }}
              disabled={pause.isPending}
            >
              {t("pauseAll")}
            </Button>
          ) : null
        }
      />
      {values.tag && (
        <div className="text-sm">
          {t("tags")}
          {tc("colon")}
          <Badge tone="indigo">{values.tag}</Badge>{" "}
          <button
            type="button"
            className="min-h-11 px-2 text-indigo-700 underline"
            onClick={() => set({ tag: "" })}
          >
            {tc("close")}
          </button>
        </div>
      )}
      {pause.isSuccess && pause.variables?.paused === false && !scheduler.data?.paused && (
        <Alert tone="green">
          <span data-testid="resumed">{t("resumed")}</span>
        </Alert>
      )}
      {runNow.isSuccess && <Alert tone="green">{t("started", { id: runNow.data.id })}</Alert>}
      {list.error && <Alert>{tc("error", { message: list.error.message })}</Alert>}
      {list.data && list.data.items.length === 0 ? (
        <EmptyState
          title={filtered ? t("emptyFiltered") : t("title")}
          action={
            !filtered && canWrite ? (
              <Link
                href="/jobs/new"
                className="min-h-11 rounded-lg bg-indigo-600 px-4 py-2.5 text-sm font-medium text-white"
              >
                {t("new")}
              </Link>
            ) : null
          }
        >
          {filtered ? null : t("empty")}
        </EmptyState>
      ) : list.data ? (
        <>
          <DataList
            rows={list.data.items}
            rowKey={(j) => j.id}
            rowHref={(j) => `/jobs/${j.id}`}
            columns={[
              {
                key: "name",
                header: t("name"),
                primary: true,
                cell: (j) => (
                  <span>
                    <Clip text={j.name} tap={false} className="max-w-[14rem] align-middle" />
                    {j.tags.length > 0 && (
                      <span className="ml-2 inline-flex flex-wrap gap-1 align-middle">
                        {j.tags.map((tag) => (
                          <Badge key={tag}>{tag}</Badge>
                        ))}
                      </span>
                    )}
                  </span>
                ),
              },
              {
                key: "mode",
                header: t("mode"),
                cell: (j) => <Badge tone="blue">{t(`modeName.${j.mode}`)}</Badge>,
              },
              {
                key: "schedule",
                header: t("schedule"),
                cell: (j) => <Clip text={j.cron} mono className="max-w-[10rem]" />,
              },
              {
                key: "next",
                header: t("next"),
                cell: (j) =>
                  j.nextFireAt ? <DateTime value={j.nextFireAt} timeZone={j.timezone} /> : t("noNext"),
              },
              {
                key: "last",
                header: t("lastRun"),
                cell: (j) =>
                  j.lastRunStatus ? (
                    <span className="inline-flex flex-wrap items-center gap-2">
                      <RunStatusBadge status={j.lastRunStatus} />
                      <span className="text-xs text-gray-500">
                        <RelativeTime value={j.lastRunAt} />
                      </span>
                    </span>
                  ) : (
                    t("never")
                  ),
              },
              {
                key: "durations",
                header: t("durations"),
                cell: (j) => <Sparkline points={j.durations} />,
                desktopOnly: true,
                wideOnly: true,
              },
              { key: "state", header: t("state"), cell: (j) => <JobStateBadge state={j.displayState} /> },
              ...(canRun
                ? [
                    {
                      key: "actions",
                      header: tc("actions"),
                      cell: (j: (typeof list.data.items)[number]) => (
                        <Button
                          variant="secondary"
                          data-testid={`run-${j.id}`}
                          onClick={(e) => {
                            e.preventDefault();
                            runNow.mutate({ id: j.id });
                          }}
                        >
                          {t("runNow")}
                        </Button>
                      ),
                    },
                  ]
                : []),
            ]}
          />
          <Pager page={page} size={SIZE} total={list.data.total} onPage={(p) => set({ page: p })} />
        </>
      ) : (
        <p className="text-sm text-gray-500">{tc("loading")}</p>
      )}
    </div>
  );
}
