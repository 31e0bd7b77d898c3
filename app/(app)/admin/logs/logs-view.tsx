"use client";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { DataList } from "@/app/_components/data-list";
import { FilterBar } from "@/app/_components/filter-bar";
import { useListParams } from "@/app/_components/list-params";
import { Pager } from "@/app/_components/pager";
import { DateTime } from "@/app/_components/time";
import { useTRPC } from "@/app/_components/trpc";
import { Alert, Button, EmptyState } from "@/app/_components/ui";
import { LOG_LEVEL_NAMES, type LogLevelName } from "@/server/ops/schema";
import type { AppRouter } from "@/server/router";
import { RetentionForm } from "../retention-form";
import { TimeRange } from "../time-range";
import { LevelBadge } from "./level";
import { LogDialog } from "./log-dialog";

type LogRow = inferRouterOutputs<AppRouter>["ops"]["logs"]["items"][number];
const SIZE = 50;
const KEYS = ["level", "component", "q", "from", "to", "req", "run"] as const;

export function LogsView() {
  const t = useTranslations("logs");
  const trpc = useTRPC();
  const { values, page, set } = useListParams(KEYS);
  const [live, setLive] = useState(false);
  const [open, setOpen] = useState<number | null>(null);
  const filter = {
    level: (values.level || undefined) as LogLevelName | undefined,
    component: values.component || undefined,
    text: values.q || undefined,
    from: values.from || undefined,
    to: values.to || undefined,
    reqId: values.req || undefined,
    runId: values.run ? Number(values.run) || undefined : undefined,
  };
  const list = useQuery({
    ...trpc.ops.logs.queryOptions({ ...filter, page: live ? 1 : page, size: SIZE }),
    placeholderData: keepPreviousData,
    // Live tail: the newest page again every two seconds (any web process answers; no sockets).
    refetchInterval: live ? 2_000 : false,
  });
  const retention = useQuery(trpc.ops.retention.queryOptions());
  const components = useQuery(trpc.ops.logComponents.queryOptions());
  const exportQuery = new URLSearchParams(
    Object.entries(filter).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]])),
  ).toString();

  return (
    <div className="space-y-4">
      <div className="flex flex-col gap-2 lg:flex-row lg:items-center lg:justify-between">
        <p className="text-sm text-gray-600 dark:text-gray-400">
          {retention.data ? t("intro", { days: retention.data.logs }) : "\u00a0"}
        </p>
        <RetentionForm kind="logs" />
      </div>
      <FilterBar
        filters={[
          {
            kind: "select",
            key: "level",
            label: t("level"),
            options: LOG_LEVEL_NAMES.map((n) => ({
              value: n,
              label: t("levelAtLeast", { level: t(`levels.${n}`) }),
            })),
          },
          {
            kind: "select",
            key: "component",
            label: t("component"),
            options: (components.data ?? []).map((c) => ({ value: c, label: c })),
          },
          { kind: "search", key: "q", label: t("text"), placeholder: t("textPlaceholder") },
        ]}
        values={values}
        onChange={set}
        actions={
          <>
            <label className="inline-flex min-h-11 items-center gap-2 text-sm">
              <input
                type="checkbox"
                className="size-5"
                checked={live}
                data-testid="live-tail"
                onChange={(e) => setLive(e.target.checked)}
              />
              {t("liveTail")}
            </label>
            <a
              href={`/api/logs/export${exportQuery ? `?${exportQuery}` : ""}`}
              className="inline-flex min-h-11 items-center rounded-lg px-4 text-sm font-medium text-gray-900 ring-1 ring-gray-300 ring-inset hover:bg-gray-50 dark:text-gray-100 dark:ring-gray-700"
              download
            >
              {t("download")}
            </a>
          </>
        }
      />
      <TimeRange ns="logs" from={values.from} to={values.to} onChange={set} />
      {(values.req || values.run) && (
        <Alert tone="blue">
          <span className="flex flex-wrap items-center justify-between gap-2">
            {values.req ? t("sameRequest", { id: values.req }) : t("sameRun", { id: values.run })}
            <Button variant="ghost" onClick={() => set({ req: undefined, run: undefined })}>
              ✕
            </Button>
          </span>
        </Alert>
      )}
      {live && <p className="text-sm text-indigo-700 dark:text-indigo-300">{t("liveOn")}</p>}
      {list.error && <Alert>{list.error.message}</Alert>}
      {list.data && list.data.items.length === 0 ? (
        <div data-testid="logs-empty">
          <EmptyState title={t("empty")}>{t("emptyHint")}</EmptyState>
        </div>
      ) : list.data ? (
        <>
          <DataList<LogRow>
            rows={list.data.items}
            rowKey={(r) => r.id}
            columns={[
              {
                key: "msg",
                header: t("message"),
                primary: true,
                className: "max-w-xl",
                cell: (r) => (
                  <button
                    type="button"
                    data-testid="log-entry"
                    onClick={() => setOpen(r.id)}
                    className="min-h-11 w-full text-left font-medium break-words text-indigo-700 hover:underline md:min-h-0 dark:text-indigo-300"
                  >
                    {r.msg || "—"}
                    {r.detail && (
                      <span className="block text-xs font-normal break-all text-gray-600 dark:text-gray-400">
                        {r.detail}
                      </span>
                    )}
                  </button>
                ),
              },
              { key: "level", header: t("level"), cell: (r) => <LevelBadge level={r.level} /> },
              { key: "time", header: t("time"), cell: (r) => <DateTime value={r.at} /> },
              {
                key: "process",
                header: t("process"),
                cell: (r) => (
                  <span className="text-gray-700 dark:text-gray-300">
                    {r.svc}
                    {r.component && r.component !== r.svc ? ` · ${r.component}` : ""}
                  </span>
                ),
              },
            ]}
          />
          {!live && (
            <Pager page={page} size={SIZE} total={list.data.total} onPage={(p) => set({ page: p })} />
          )}
        </>
      ) : null}
      {open !== null && (
        <LogDialog
          id={open}
          onClose={() => setOpen(null)}
          onFilter={(patch) => {
            setOpen(null);
            set(patch);
          }}
        />
      )}
    </div>
  );
}
