"use client";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { useMemo, useState } from "react";
import { Clip } from "@/app/_components/clip";
import { DataList } from "@/app/_components/data-list";
import { FilterBar } from "@/app/_components/filter-bar";
import { useListParams } from "@/app/_components/list-params";
import { Pager } from "@/app/_components/pager";
import { ReportViewer } from "@/app/_components/report-viewer/report-viewer";
import { DateTime } from "@/app/_components/time";
import { useTRPC } from "@/app/_components/trpc";
import { Alert, Button, Card, EmptyState, formatBytes } from "@/app/_components/ui";

const SIZE = 50;
const DAYS = ["1", "7", "30", "90"] as const;
const VIEWABLE = /\.(csv|tsv|xlsx|xlsm)$/i;

/** Report files by job and date, searchable, each downloadable; the same list on a phone. */
export function ReportsList() {
  const t = useTranslations("reports.page");
  const tf = useTranslations("reports.files");
  const tv = useTranslations("reports.viewer");
  const [viewing, setViewing] = useState<{ id: number; name: string } | null>(null);
  const tc = useTranslations("common");
  const trpc = useTRPC();
  const { values, page, set } = useListParams(["q", "job", "days"] as const);
  const jobId = Number(values.job) > 0 ? Number(values.job) : undefined;
  const days = (DAYS as readonly string[]).includes(values.days) ? Number(values.days) : undefined;
  // A whole-minute instant keeps the query key stable between renders.
  const from = useMemo(
    () =>
      days ? new Date(Math.floor(Date.now() / 60_000) * 60_000 - days * 86_400_000).toISOString() : undefined,
    [days],
  );
  const jobs = useQuery(trpc.jobs.list.queryOptions({ mode: "script", size: 200 }));
  const list = useQuery({
    ...trpc.reports.files.list.queryOptions({ page, size: SIZE, q: values.q || undefined, jobId, from }),
    placeholderData: keepPreviousData,
  });
  const filtered = !!(values.q || jobId || days);

  return (
    <div className="space-y-4">
      <p className="text-sm text-gray-600 dark:text-gray-400">{t("intro")}</p>
      <FilterBar
        values={{ q: values.q, job: jobId ? String(jobId) : "", days: days ? String(days) : "" }}
        onChange={(patch) => set({ ...patch, page: 1 })}
        filters={[
          { kind: "search", key: "q", label: tc("search"), placeholder: t("search") },
          {
            kind: "select",
            key: "job",
            label: tf("job"),
            options: (jobs.data?.items ?? []).map((j) => ({ value: String(j.id), label: j.name })),
          },
          {
            kind: "select",
            key: "days",
            label: t("from"),
            options: DAYS.map((d) => ({ value: d, label: t("lastDays", { count: Number(d) }) })),
          },
        ]}
      />
      {viewing && (
        <Card
          title={viewing.name}
          actions={
            <Button variant="secondary" onClick={() => setViewing(null)}>
              {tc("close")}
            </Button>
          }
        >
          <ReportViewer key={viewing.id} source={{ fileId: viewing.id }} />
        </Card>
      )}
      {list.error && <Alert>{tc("error", { message: list.error.message })}</Alert>}
      {list.data && list.data.items.length === 0 ? (
        <EmptyState title={filtered ? t("emptyFiltered") : t("title")}>
          {filtered ? null : tf("empty")}
        </EmptyState>
      ) : list.data ? (
        <>
          <DataList
            rows={list.data.items}
            rowKey={(f) => f.id}
            columns={[
              {
                key: "name",
                header: tf("name"),
                primary: true,
                cell: (f) => (
                  <a
                    href={`/api/reports/files/${f.id}`}
                    className="font-medium text-indigo-700 hover:underline dark:text-indigo-300"
                    data-testid="report-download"
                  >
                    <Clip text={f.name} tap={false} className="max-w-[18rem]" />
                  </a>
                ),
              },
              {
                key: "job",
                header: tf("job"),
                cell: (f) => (
                  <Link href={`/jobs/${f.jobId}`} className="hover:underline">
                    <Clip text={f.jobName} tap={false} className="max-w-[14rem]" />
                  </Link>
                ),
              },
              {
                key: "run",
                header: tf("run"),
                cell: (f) => (
                  <Link href={`/runs/${f.runId}`} className="hover:underline">
                    #{f.runId}
                  </Link>
                ),
              },
              { key: "size", header: tf("size"), cell: (f) => formatBytes(f.size) },
              {
                key: "view",
                header: tv("view"),
                cell: (f) =>
                  VIEWABLE.test(f.name) ? (
                    <Button
                      variant="secondary"
                      onClick={() => {
                        setViewing({ id: f.id, name: f.name });
                        window.scrollTo({ top: 0, behavior: "smooth" });
                      }}
                      data-testid="report-view"
                    >
                      {tv("view")}
                    </Button>
                  ) : null,
              },
              { key: "created", header: tf("archived"), cell: (f) => <DateTime value={f.createdAt} /> },
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
