"use client";
import { useQuery } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { Clip } from "@/app/_components/clip";
import { DataList } from "@/app/_components/data-list";
import { RunStatusBadge } from "@/app/_components/run-status";
import { DateTime, RelativeTime } from "@/app/_components/time";
import { useTRPC } from "@/app/_components/trpc";
import { Alert, Badge, Card, EmptyState, Stat } from "@/app/_components/ui";
import type { Health } from "@/server/health";
import type { AppRouter } from "@/server/router";
import { RunsChart } from "./runs-chart";

type Summary = inferRouterOutputs<AppRouter>["dashboard"]["summary"];

/** Lag at or under this is "on time"; under the misfire grace (5 s) "slightly late". */
const ON_TIME_MS = 1_000;
const GRACE_MS = 5_000;

function useLagText() {
  const t = useTranslations("dashboard");
  return (ms: number) => {
    const words = ms <= ON_TIME_MS ? t("lagOnTime") : ms <= GRACE_MS ? t("lagSlight") : t("lagLate");
    const lag =
      ms < 1_000
        ? t("ms", { n: Math.round(ms) })
        : ms < 60_000
          ? t("seconds", { n: Math.round(ms / 100) / 10 })
          : t("minutes", { n: Math.round(ms / 6_000) / 10 });
    return {
      words,
      tone: ms <= ON_TIME_MS ? "green" : ms <= GRACE_MS ? "amber" : "red",
      detail: t("lagDetail", { words, lag }),
    } as const;
  };
}

export function DashboardView({ initial, health }: { initial: Summary; health: Health }) {
  const t = useTranslations("dashboard");
  const tm = useTranslations("mail.statusName");
  const tr = useTranslations("runs.statusName");
  const trpc = useTRPC();
  const { data } = useQuery({
    ...trpc.dashboard.summary.queryOptions(undefined, { refetchInterval: 5_000 }),
    initialData: initial,
  });
  const s = data ?? initial;
  const liveWorkers = s.workers.filter((w) => w.isLive).length;
  const lagText = useLagText();
  const lag = s.scheduler.lagP99Ms === null ? null : lagText(s.scheduler.lagP99Ms);
  return (
    // grid-cols-1 (minmax(0, 1fr)), not the implicit auto column: a long one-line name is cut
    // inside its card instead of widening the page.
    <div className="grid grid-cols-1 gap-4 md:grid-cols-2 xl:grid-cols-3">
      <Card
        title={t("jobs")}
        actions={<span className="text-xs text-gray-500">{t("jobsTotal", { n: s.jobs.total })}</span>}
      >
        <div className="grid grid-cols-3 gap-2" data-testid="job-counts">
          {(["waiting", "running", "stopped"] as const).map((k) => (
            <Link key={k} href={`/jobs?state=${k}`} className="rounded-lg active:opacity-70">
              <Stat
                label={t(`jobState.${k}`)}
                value={s.jobs[k]}
                tone={k === "stopped" && s.jobs[k] ? "amber" : undefined}
              />
            </Link>
          ))}
        </div>
      </Card>

      <Card title={t("nextHour")} className="xl:col-span-2">
        {s.next.items.length === 0 ? (
          <p className="text-sm text-gray-500">{t("nextHourEmpty")}</p>
        ) : (
          <ul className="divide-y divide-gray-100 text-sm dark:divide-gray-800" data-testid="next-fires">
            {s.next.items.map((f) => (
              <li key={f.id} className="flex min-h-11 items-center gap-3 py-1.5">
                <span className="shrink-0 tabular-nums">
                  <DateTime value={f.nextFireAt} />
                </span>
                <Link
                  href={`/jobs/${f.id}`}
                  className="min-w-0 flex-1 font-medium text-indigo-700 hover:underline dark:text-indigo-300"
                >
                  <Clip text={f.name} tap={false} className="block" />
                </Link>
                <span className="shrink-0 text-xs whitespace-nowrap text-gray-500">
                  {f.firesInHour >= s.next.capped
                    ? t("firesInHourCapped", { n: s.next.capped })
                    : t("firesInHour", { n: f.firesInHour })}
                </span>
              </li>
            ))}
            {s.next.total > s.next.items.length && (
              <li className="py-1.5 text-xs text-gray-500">
                {t("nextHourMore", { n: s.next.total - s.next.items.length })}
              </li>
            )}
          </ul>
        )}
      </Card>

      <Card title={t("recentFailures")} className="md:col-span-2 xl:col-span-3">
        {s.failures.length === 0 ? (
          <p className="text-sm text-gray-500">{t("noFailures")}</p>
        ) : (
          <ul className="divide-y divide-gray-100 text-sm dark:divide-gray-800" data-testid="recent-failures">
            {s.failures.map((f) => (
              <li key={f.id} className="flex min-h-11 flex-wrap items-center gap-x-3 gap-y-1 py-1.5">
                <RunStatusBadge status={f.status} />
                <Link
                  href={`/runs/${f.id}`}
                  className="block min-w-0 max-w-full font-medium text-indigo-700 hover:underline dark:text-indigo-300"
                >
                  <Clip text={`${f.jobName} · ${t("openRun", { id: f.id })}`} tap={false} className="block" />
                </Link>
                <span className="text-xs text-gray-500">
                  <RelativeTime value={f.at} />
                </span>
                {f.error && (
                  <Clip text={f.error} className="w-full text-xs text-gray-600 dark:text-gray-400" />
                )}
              </li>
            ))}
          </ul>
        )}
      </Card>

      <RunsChart />

      <Card
        title={t("health")}
        className="md:col-span-2 xl:col-span-1"
        actions={
          <Badge tone={health.status === "ok" && liveWorkers > 0 ? "green" : "red"}>
            {health.status === "ok" && liveWorkers > 0 ? t("healthy") : t("degraded")}
          </Badge>
        }
      >
        <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
          <dt className="text-gray-500">{t("database")}</dt>
          <dd>{health.db.ok ? `OK · ${health.db.latencyMs} ms` : health.db.error}</dd>
          <dt className="text-gray-500">{t("migrations")}</dt>
          <dd>
            {health.migrations?.current
              ? t("migrationsCurrent", { applied: health.migrations.applied })
              : t("migrationsBehind", {
                  applied: health.migrations?.applied ?? 0,
                  expected: health.migrations?.expected ?? 0,
                })}
          </dd>
          <dt className="text-gray-500">{t("workers")}</dt>
          <dd data-testid="live-workers">{liveWorkers}</dd>
          <dt className="text-gray-500">{t("scheduler")}</dt>
          <dd data-testid="scheduler-lag">
            {s.scheduler.paused ? (
              <Badge tone="amber">{t("schedulerPaused")}</Badge>
            ) : lag ? (
              <>
                <Badge tone={lag.tone}>{lag.words}</Badge>
                <span className="mt-1 block text-xs text-gray-500">{lag.detail}</span>
              </>
            ) : (
              <span className="text-xs text-gray-500">{t("lagNone")}</span>
            )}
            <span className="mt-1 block text-xs text-gray-500">{t("lagCatchUpNote")}</span>
          </dd>
          <dt className="text-gray-500">{t("version")}</dt>
          <dd>{health.version}</dd>
        </dl>
      </Card>

      <Card
        title={t("runs")}
        actions={s.scheduler.paused ? <Badge tone="amber">{t("schedulerPaused")}</Badge> : null}
      >
        <div className="grid grid-cols-2 gap-2">
          <Stat label={tr("queued")} value={s.runs.queued ?? 0} />
          <Stat label={tr("running")} value={s.runs.running ?? 0} />
          <Stat
            label={t("succeeded24h")}
            value={s.runs.succeeded ?? 0}
            tone={s.runs.succeeded ? "green" : undefined}
          />
          <Stat
            label={t("failed24h")}
            value={(s.runs.failed ?? 0) + (s.runs.timed_out ?? 0) + (s.runs.lost ?? 0)}
            tone={(s.runs.failed ?? 0) + (s.runs.timed_out ?? 0) + (s.runs.lost ?? 0) ? "red" : undefined}
          />
        </div>
      </Card>

      <Card title={t("queue")}>
        <div className="grid grid-cols-2 gap-2">
          <Stat label={t("queued")} value={s.queue.queued} />
          <Stat label={t("running")} value={s.queue.running} />
          <Stat label={t("scheduled")} value={s.queue.scheduled} />
          <Stat label={t("failed")} value={s.queue.failed} tone={s.queue.failed ? "red" : undefined} />
        </div>
      </Card>

      <Card title={t("workers")} className="md:col-span-2 xl:col-span-3">
        {s.workers.length === 0 ? (
          <EmptyState title={t("workers")}>{t("workersEmpty")}</EmptyState>
        ) : (
          <DataList
            rows={s.workers}
            rowKey={(w) => w.id}
            columns={[
              { key: "host", header: t("host"), primary: true, cell: (w) => `${w.host} · ${w.pid}` },
              {
                key: "state",
                header: t("health"),
                cell: (w) => (
                  <Badge tone={w.isLive ? "green" : "red"}>{w.isLive ? t("live") : t("stale")}</Badge>
                ),
              },
              { key: "lastSeen", header: t("lastSeen"), cell: (w) => <RelativeTime value={w.lastSeenAt} /> },
              { key: "started", header: t("started"), cell: (w) => <RelativeTime value={w.startedAt} /> },
              { key: "slots", header: t("concurrency"), cell: (w) => w.concurrency },
              { key: "version", header: t("version"), cell: (w) => w.version, desktopOnly: true },
            ]}
          />
        )}
      </Card>

      <Card title={t("outbox")} className="md:col-span-2 xl:col-span-3">
        {s.mailTransport === "none" && (
          <div className="mb-3">
            <Alert tone="amber">{t("noMailTransport")}</Alert>
          </div>
        )}
        <div className="grid grid-cols-2 gap-2 sm:grid-cols-5">
          {(["queued", "sending", "sent", "failed", "kept"] as const).map((k) => (
            <Stat
              key={k}
              label={tm(k)}
              value={s.outbox[k]}
              tone={k === "failed" && s.outbox[k] ? "red" : undefined}
            />
          ))}
        </div>
      </Card>
    </div>
  );
}
