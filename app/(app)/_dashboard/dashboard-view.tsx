"use client";
import { useQuery } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { useTranslations } from "next-intl";
import { DataList } from "@/app/_components/data-list";
import { RelativeTime } from "@/app/_components/time";
import { useTRPC } from "@/app/_components/trpc";
import { Alert, Badge, Card, EmptyState, Stat } from "@/app/_components/ui";
import type { Health } from "@/server/health";
import type { AppRouter } from "@/server/router";

type Summary = inferRouterOutputs<AppRouter>["dashboard"]["summary"];

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
  return (
    <div className="grid gap-4 md:grid-cols-2 xl:grid-cols-3">
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
          <dt className="text-gray-500">{t("version")}</dt>
          <dd>{health.version}</dd>
        </dl>
      </Card>

      <Card
        title={t("runs")}
        actions={
          s.scheduler.paused ? (
            <Badge tone="amber">{t("schedulerPaused")}</Badge>
          ) : s.scheduler.lagP99Ms !== null ? (
            <span className="text-xs text-gray-500">
              {t("schedulerLag", { ms: Math.round(s.scheduler.lagP99Ms) })}
            </span>
          ) : null
        }
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
