"use client";
import { useMutation } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { useSubscription } from "@trpc/tanstack-react-query";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { useEffect, useRef, useState } from "react";
import { RunStatusBadge } from "@/app/_components/run-status";
import { formatMs } from "@/app/_components/sparkline";
import { DateTime } from "@/app/_components/time";
import { useTRPC } from "@/app/_components/trpc";
import { Alert, Badge, Button, Card, formatBytes, PageHeader } from "@/app/_components/ui";
import type { AppRouter } from "@/server/router";
import { ReportFiles, type RunReportFile } from "./report-files";

type Run = inferRouterOutputs<AppRouter>["runs"]["get"];
type Chunk = inferRouterOutputs<AppRouter>["runs"]["log"][number];
const ACTIVE = new Set(["queued", "running"]);
const STREAM_CLASS = { stdout: "", stderr: "text-red-300", system: "text-sky-300" } as const;

export function RunDetail({
  initial,
  initialLog,
  initialFiles = [],
  canStop,
  canShare = false,
}: {
  initial: Run;
  initialLog: Chunk[];
  initialFiles?: RunReportFile[];
  canStop: boolean;
  canShare?: boolean;
}) {
  const t = useTranslations("runs");
  const tj = useTranslations("jobs");
  const tc = useTranslations("common");
  const trpc = useTRPC();
  const [run, setRun] = useState(initial);
  const [chunks, setChunks] = useState(initialLog);
  const [follow, setFollow] = useState(true);
  const pre = useRef<HTMLPreElement>(null);
  const lastSeq = chunks.at(-1)?.seq ?? -1;
  const live = ACTIVE.has(run.status);

  useSubscription(
    trpc.runs.tail.subscriptionOptions(
      { id: initial.id, afterSeq: initialLog.at(-1)?.seq ?? -1 },
      {
        enabled: ACTIVE.has(initial.status),
        onData: (d) => {
          setRun(d.run);
          if (d.chunks.length)
            setChunks((c) => [...c, ...d.chunks.filter((x) => x.seq > (c.at(-1)?.seq ?? -1))]);
        },
      },
    ),
  );
  // biome-ignore lint/correctness/useExhaustiveDependencies: scroll when output grows
  useEffect(() => {
    if (follow && pre.current) pre.current.scrollTop = pre.current.scrollHeight;
  }, [lastSeq, follow]);

  const stop = useMutation(trpc.runs.stop.mutationOptions());
  const duration =
    run.startedAt && run.finishedAt
      ? formatMs(new Date(run.finishedAt).getTime() - new Date(run.startedAt).getTime())
      : null;
  const facts: [string, React.ReactNode][] = [
    [t("status"), <RunStatusBadge key="s" status={run.status} />],
    [t("trigger"), t(`triggerName.${run.trigger}`)],
    [t("attempt"), run.attempt],
    [t("scheduled"), <DateTime key="sc" value={run.scheduledAt} />],
    [t("started"), <DateTime key="st" value={run.startedAt} />],
    [t("finished"), <DateTime key="fi" value={run.finishedAt} />],
    [t("duration"), duration ?? "—"],
    ...(run.exitCode !== null ? ([[t("exitCode"), run.exitCode]] as [string, React.ReactNode][]) : []),
    ...(run.httpStatus !== null ? ([[t("httpStatus"), run.httpStatus]] as [string, React.ReactNode][]) : []),
    [t("worker"), run.workerId ?? "—"],
    ...(run.pgid !== null && run.host !== null
      ? ([[t("process"), t("processValue", { pgid: run.pgid, host: run.host })]] as [
          string,
          React.ReactNode,
        ][])
      : []),
    ...(run.parentRunId
      ? ([
          [
            t("parent"),
            <Link key="p" className="text-indigo-700 underline" href={`/runs/${run.parentRunId}`}>
              #{run.parentRunId}
            </Link>,
          ],
        ] as [string, React.ReactNode][])
      : []),
  ];
  return (
    <>
      <PageHeader
        title={`#${run.id} · ${run.jobName}`}
        actions={
          <>
            <Link
              href={`/jobs/${run.jobId}`}
              className="inline-flex min-h-11 items-center rounded-lg px-4 text-sm ring-1 ring-gray-300 dark:ring-gray-700"
            >
              {tc("labelled", { label: tj("title"), value: run.jobName })}
            </Link>
            {canStop && live && (
              <Button
                variant="danger"
                onClick={() => stop.mutate({ id: run.id })}
                disabled={stop.isPending || !!run.cancelRequestedAt}
                data-testid="run-stop"
              >
                {stop.isSuccess || run.cancelRequestedAt ? t("stopRequested") : t("stopRun")}
              </Button>
            )}
          </>
        }
      />
      <div className="grid gap-4 lg:grid-cols-3">
        <div className="space-y-4">
          <Card>
            <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
              {facts.map(([k, v]) => (
                <div key={k} className="contents">
                  <dt className="text-gray-500 dark:text-gray-400">{k}</dt>
                  <dd
                    className="min-w-0 break-words"
                    data-testid={k === t("status") ? "run-status" : undefined}
                  >
                    {v}
                  </dd>
                </div>
              ))}
            </dl>
          </Card>
          {run.error && (
            <Alert>
              <span className="font-medium">
                {t("error")}
                {tc("colon")}
              </span>
              {run.error}
            </Alert>
          )}
          {run.orphanedAt && run.pgid !== null && run.host !== null && (
            <Alert>
              {run.processEndedAt
                ? t("processEnded", { pgid: run.pgid, host: run.host })
                : t("processMayRun", { pgid: run.pgid, host: run.host })}
            </Alert>
          )}
          <ReportFiles runId={run.id} status={run.status} initial={initialFiles} canShare={canShare} />
          {run.result != null && (
            <Card title={t("result")}>
              <pre className="overflow-x-auto text-xs">{JSON.stringify(run.result, null, 2)}</pre>
            </Card>
          )}
        </div>
        <div className="lg:col-span-2">
          <Card
            title={
              <span className="inline-flex items-center gap-2">
                {t("output")} {live && <Badge tone="indigo">{t("live")}</Badge>}
                <span className="text-xs font-normal text-gray-500">
                  {formatBytes(
                    Math.max(
                      run.outputBytes,
                      chunks.reduce((n, c) => n + new Blob([c.data]).size, 0),
                    ),
                  )}
                </span>
              </span>
            }
            actions={
              <div className="flex items-center gap-2">
                <label className="inline-flex min-h-11 items-center gap-2 text-sm">
                  <input
                    type="checkbox"
                    className="size-5"
                    checked={follow}
                    onChange={(e) => setFollow(e.target.checked)}
                  />
                  ↓
                </label>
                <a
                  href={`/api/runs/${run.id}/output`}
                  className="inline-flex min-h-11 items-center rounded-lg px-3 text-sm ring-1 ring-gray-300 dark:ring-gray-700"
                >
                  {t("download")}
                </a>
              </div>
            }
          >
            {run.outputTruncated && (
              <div className="mb-2">
                <Alert tone="amber">{t("truncated")}</Alert>
              </div>
            )}
            <pre
              ref={pre}
              data-testid="run-output"
              className="max-h-[65vh] min-h-40 overflow-auto rounded-lg bg-gray-950 p-3 font-mono text-xs leading-5 whitespace-pre-wrap break-all text-gray-100"
            >
              {chunks.length === 0 ? (
                <span className="text-gray-500">{live ? "…" : t("noOutput")}</span>
              ) : (
                chunks.map((c) => (
                  <span key={c.seq} className={STREAM_CLASS[c.stream]}>
                    {c.data}
                  </span>
                ))
              )}
            </pre>
          </Card>
        </div>
      </div>
    </>
  );
}
