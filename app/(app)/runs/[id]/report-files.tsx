"use client";
import { useQuery } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { useTranslations } from "next-intl";
import { useEffect } from "react";
import { useTRPC } from "@/app/_components/trpc";
import { Card, formatBytes } from "@/app/_components/ui";
import type { AppRouter } from "@/server/router";

export type RunReportFile = inferRouterOutputs<AppRouter>["reports"]["files"]["ofRun"][number];

/** A script run's report files, each downloadable; read again when the run ends (archiving happens then). */
export function ReportFiles({
  runId,
  status,
  initial,
}: {
  runId: number;
  status: string;
  initial: RunReportFile[];
}) {
  const t = useTranslations("reports.files");
  const trpc = useTRPC();
  const files = useQuery(trpc.reports.files.ofRun.queryOptions({ runId }, { initialData: initial }));
  const { refetch } = files;
  // biome-ignore lint/correctness/useExhaustiveDependencies: read again when the status changes
  useEffect(() => {
    if (status !== "queued" && status !== "running") void refetch();
  }, [status]);
  const items = files.data ?? [];
  if (!items.length) return null;
  return (
    <Card title={t("title")}>
      <ul className="divide-y divide-gray-200 text-sm dark:divide-gray-800" data-testid="run-report-files">
        {items.map((f) => (
          <li key={f.id} className="flex items-center gap-3 py-2">
            <span className="min-w-0 flex-1 break-all">{f.name}</span>
            <span className="shrink-0 text-xs text-gray-500">{formatBytes(f.size)}</span>
            <a
              href={`/api/reports/files/${f.id}`}
              className="inline-flex min-h-11 shrink-0 items-center rounded-lg px-3 ring-1 ring-gray-300 dark:ring-gray-700"
              title={`${t("sha256")}: ${f.sha256}`}
            >
              {t("download")}
            </a>
          </li>
        ))}
      </ul>
    </Card>
  );
}
