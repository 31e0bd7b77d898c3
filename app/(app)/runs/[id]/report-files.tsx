"use client";
import { useMutation, useQuery } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { ReportFilePanel } from "@/app/_components/report-viewer/report-file-panel";
import { DateTime } from "@/app/_components/time";
import { useTRPC } from "@/app/_components/trpc";
import { Alert, Button, Card } from "@/app/_components/ui";
import type { AppRouter } from "@/server/router";

export type RunReportFile = inferRouterOutputs<AppRouter>["reports"]["files"]["ofRun"][number];

/** A run's report files, each viewable in the page (CSV / XLSX) and downloadable; read again when the run ends (archiving happens then). */
export function ReportFiles({
  runId,
  status,
  initial,
  canShare,
}: {
  runId: number;
  status: string;
  initial: RunReportFile[];
  canShare: boolean;
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
    <>
      <Card title={t("title")}>
        <ul className="divide-y divide-gray-200 dark:divide-gray-800" data-testid="run-report-files">
          {items.map((f, i) => (
            <ReportFilePanel
              key={f.id}
              name={f.name}
              size={f.size}
              href={`/api/reports/files/${f.id}`}
              source={{ fileId: f.id }}
              defaultOpen={i === 0}
            />
          ))}
        </ul>
      </Card>
      {canShare && <ShareLinks runId={runId} />}
    </>
  );
}

/** The run's share links: make one (shown once, with a copy button), see and revoke the others. */
function ShareLinks({ runId }: { runId: number }) {
  const t = useTranslations("reports.share");
  const trpc = useTRPC();
  const shares = useQuery(trpc.reports.shares.ofRun.queryOptions({ runId }));
  const [copied, setCopied] = useState(false);
  const create = useMutation(
    trpc.reports.shares.create.mutationOptions({ onSuccess: () => void shares.refetch() }),
  );
  const revoke = useMutation(
    trpc.reports.shares.revoke.mutationOptions({ onSuccess: () => void shares.refetch() }),
  );
  const days = 30;
  return (
    <Card title={t("manage")}>
      <p className="text-xs text-gray-500">{t("createHint", { days })}</p>
      <div className="mt-2 flex flex-wrap gap-2">
        <Button variant="secondary" onClick={() => create.mutate({ runId, days })} data-testid="share-create">
          {t("create")}
        </Button>
      </div>
      {create.data && (
        <div className="mt-3 space-y-1">
          <p className="text-xs text-gray-600 dark:text-gray-400">{t("newLink")}</p>
          <div className="flex items-center gap-2">
            <code
              className="min-w-0 flex-1 rounded bg-gray-50 p-2 text-xs break-all dark:bg-gray-800"
              data-testid="share-url"
            >
              {create.data.url}
            </code>
            <Button
              variant="secondary"
              onClick={() => {
                void navigator.clipboard?.writeText(create.data.url).then(() => setCopied(true));
              }}
            >
              {copied ? t("copied") : t("copy")}
            </Button>
          </div>
        </div>
      )}
      {create.error && <Alert>{create.error.message}</Alert>}
      {shares.data && shares.data.length === 0 && <p className="mt-3 text-sm text-gray-500">{t("none")}</p>}
      <ul className="mt-2 divide-y divide-gray-200 text-sm dark:divide-gray-800">
        {(shares.data ?? []).map((s) => (
          <li key={s.id} className="flex items-center gap-2 py-2">
            <span className="min-w-0 flex-1">
              #{s.id} · {s.createdBy ?? t("byMail")} ·{" "}
              {s.revokedAt ? t("revokedAt") : <DateTime value={s.expiresAt} />}
            </span>
            {!s.revokedAt && (
              <Button variant="danger" onClick={() => revoke.mutate({ id: s.id })} data-testid="share-revoke">
                {t("revoke")}
              </Button>
            )}
          </li>
        ))}
      </ul>
    </Card>
  );
}
