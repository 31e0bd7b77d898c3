"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { useConfirm } from "@/app/_components/confirm";
import { DataList } from "@/app/_components/data-list";
import { DateTime, RelativeTime } from "@/app/_components/time";
import { useTRPC } from "@/app/_components/trpc";
import { Alert, Badge, Button, Card, cx, formatBytes, Stat } from "@/app/_components/ui";
import type { AppRouter } from "@/server/router";

type System = inferRouterOutputs<AppRouter>["ops"]["system"];
type RunRow = System["orphans"][number];

/** Host, Kairos' workers and their runs, and the database; refreshed every five seconds. */
export function SystemView() {
  const t = useTranslations("system");
  const trpc = useTRPC();
  const system = useQuery({ ...trpc.ops.system.queryOptions(), refetchInterval: 5_000 });
  const s = system.data;
  return (
    <div className="space-y-4">
      {system.error && <Alert>{system.error.message}</Alert>}
      {s && (
        <>
          <p className="text-sm text-gray-600 dark:text-gray-400" data-testid="system-refreshed">
            {t("refreshed", { time: new Date(s.at).toLocaleTimeString() })}
          </p>
          <HostCard s={s} />
          <Card title={t("topProcesses")}>
            <MiniTable
              testId="system-top"
              head={[t("name"), t("pid"), t("rss"), t("cpuPercent")]}
              rows={s.host.top.map((p) => ({
                key: p.pid,
                cells: [p.name, p.pid, formatBytes(p.rssBytes), p.cpuPercent.toFixed(1)],
              }))}
            />
          </Card>
          <WorkersCard s={s} />
          <DatabaseCard db={s.database} />
        </>
      )}
    </div>
  );
}

function HostCard({ s }: { s: System }) {
  const t = useTranslations("system");
  const h = s.host;
  const up = h.uptimeSeconds;
  return (
    <Card title={`${t("host")} · ${h.host}`}>
      <div className="space-y-3">
        <div>
          <h3 className="mb-1 text-sm font-medium">{t("memory")}</h3>
          <div className="grid grid-cols-2 gap-2 sm:grid-cols-4" data-testid="system-memory">
            <Stat label={t("memTotal")} value={formatBytes(h.memory.total)} />
            <Stat label={t("memUsed")} value={formatBytes(h.memory.used)} />
            <Stat label={t("memFree")} value={formatBytes(h.memory.free)} />
            <Stat label={t("memBuffers")} value={formatBytes(h.memory.buffersCache)} />
          </div>
          <div
            className="mt-2 flex h-2 overflow-hidden rounded-full bg-gray-200 dark:bg-gray-800"
            aria-hidden
          >
            <div className="bg-indigo-600" style={{ width: `${(h.memory.used / h.memory.total) * 100}%` }} />
            <div
              className="bg-sky-300"
              style={{ width: `${(h.memory.buffersCache / h.memory.total) * 100}%` }}
            />
          </div>
        </div>
        <div className="grid grid-cols-1 gap-2 sm:grid-cols-3">
          <Stat
            label={t("cpu")}
            value={t("load", {
              one: h.load.one.toFixed(2),
              five: h.load.five.toFixed(2),
              fifteen: h.load.fifteen.toFixed(2),
            })}
            tone={h.load.one > h.cpus ? "amber" : undefined}
          />
          <Stat
            label={t("disk")}
            value={
              h.disk ? (
                <span className="text-base">
                  {t("diskUse", {
                    used: formatBytes(h.disk.used),
                    total: formatBytes(h.disk.total),
                    free: formatBytes(h.disk.free),
                  })}
                </span>
              ) : (
                "—"
              )
            }
          />
          <Stat
            label={t("uptime")}
            value={t("uptimeValue", {
              days: Math.floor(up / 86400),
              hours: Math.floor((up % 86400) / 3600),
              minutes: Math.floor((up % 3600) / 60),
            })}
          />
        </div>
        <p className="text-xs text-gray-500">
          {t("loadHint", { cpus: h.cpus })} · {h.platform}
          {h.disk ? ` · ${h.disk.path}` : ""}
        </p>
      </div>
    </Card>
  );
}

function WorkersCard({ s }: { s: System }) {
  const t = useTranslations("system");
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [dialog, ask] = useConfirm();
  const [notice, setNotice] = useState<string | null>(null);
  const kill = useMutation(
    trpc.ops.killRun.mutationOptions({
      onSuccess: (_r, v) => {
        setNotice(t("killed", { id: v.id }));
        void qc.invalidateQueries({ queryKey: trpc.ops.system.queryKey() });
      },
    }),
  );
  const onKill = async (r: RunRow) => {
    const ok = await ask({
      title: t("killTitle", { id: r.id }),
      body: t("killBody", { job: r.jobName }),
      confirm: t("kill"),
      danger: true,
    });
    if (ok) kill.mutate({ id: r.id });
  };
  const runs = (rows: RunRow[]) =>
    rows.length === 0 ? (
      <p className="text-sm text-gray-500">{t("noRuns")}</p>
    ) : (
      <DataList<RunRow>
        rows={rows}
        rowKey={(r) => r.id}
        columns={[
          {
            key: "run",
            header: t("run"),
            primary: true,
            cell: (r) => (
              <span className="inline-flex flex-wrap items-center gap-x-2">
                <Link href={`/runs/${r.id}`} className="text-indigo-700 hover:underline dark:text-indigo-300">
                  #{r.id}
                </Link>
                <span className="break-all">{r.jobName}</span>
              </span>
            ),
          },
          { key: "started", header: t("started"), cell: (r) => <RelativeTime value={r.startedAt} /> },
          {
            key: "pgid",
            header: t("processGroup"),
            cell: (r) => <span className="tabular-nums">{r.pgid ?? t("noProcess")}</span>,
          },
          {
            key: "pids",
            header: t("processes"),
            cell: (r) => (
              <span className="tabular-nums break-all" data-testid={`run-pids-${r.id}`}>
                {r.pids
                  ? r.pids.join(", ") || t("noProcess")
                  : r.host
                    ? t("elsewhere", { host: r.host })
                    : t("noProcess")}
              </span>
            ),
          },
          {
            key: "kill",
            header: "",
            cell: (r) => (
              <Button
                variant="danger"
                data-testid={`kill-${r.id}`}
                onClick={() => void onKill(r)}
                disabled={kill.isPending}
              >
                {t("kill")}
              </Button>
            ),
          },
        ]}
      />
    );
  return (
    <Card title={t("workers")}>
      {dialog}
      <div className="space-y-4">
        {notice && <Alert tone="green">{notice}</Alert>}
        {kill.error && <Alert>{kill.error.message}</Alert>}
        {s.workers.length === 0 && <p className="text-sm text-gray-500">{t("noWorkers")}</p>}
        {s.workers.map((w) => {
          const active = Number((w.stats as { active?: number }).active ?? w.runs.length);
          return (
            <section key={w.id} className="space-y-2">
              <h3 className="flex flex-wrap items-center gap-2 text-sm font-medium">
                {t("worker", { host: w.host, pid: w.pid })}
                <Badge tone={w.isLive ? "green" : w.stoppedAt ? "gray" : "red"}>
                  {w.isLive ? t("workerLive") : w.stoppedAt ? t("workerStopped") : t("workerDead")}
                </Badge>
                <span className="text-xs font-normal text-gray-500">
                  {t("slots", { active, concurrency: w.concurrency })} · <RelativeTime value={w.lastSeenAt} />
                </span>
              </h3>
              {runs(w.runs)}
            </section>
          );
        })}
        {s.orphans.length > 0 && (
          <section className="space-y-2">
            <h3 className="text-sm font-medium">{t("orphans")}</h3>
            {runs(s.orphans)}
          </section>
        )}
      </div>
    </Card>
  );
}

function DatabaseCard({ db }: { db: System["database"] }) {
  const t = useTranslations("system");
  const total = db.connections.reduce((n, c) => n + c.count, 0);
  return (
    <Card title={`${t("database")} · ${db.name}`}>
      <div className="space-y-4">
        <div className="grid grid-cols-2 gap-2 sm:grid-cols-4">
          <Stat
            label={t("database")}
            value={<span className="text-base">{t("dbVersion", { version: db.version })}</span>}
          />
          <Stat label={t("dbSize")} value={formatBytes(db.sizeBytes)} />
          <Stat
            label={t("connections")}
            value={t("connectionsOf", { count: total, max: db.maxConnections })}
          />
          <Stat
            label={t("dbStarted")}
            value={
              <span className="text-base">
                <DateTime value={db.startedAt} withSeconds={false} />
              </span>
            }
          />
        </div>
        <div className="grid gap-4 lg:grid-cols-2">
          <div>
            <h3 className="mb-2 text-sm font-medium">{t("largestTables")}</h3>
            <MiniTable
              head={[t("table"), t("tableSize"), t("rows")]}
              rows={db.tables.map((r) => ({ key: r.name, cells: [r.name, formatBytes(r.bytes), r.rows] }))}
            />
          </div>
          <div>
            <h3 className="mb-2 text-sm font-medium">{t("connections")}</h3>
            <MiniTable
              head={[t("application"), t("state"), t("count")]}
              rows={db.connections.map((r) => ({
                key: `${r.app}/${r.state}`,
                cells: [r.app, r.state, r.count],
              }))}
            />
          </div>
        </div>
      </div>
    </Card>
  );
}

/** A small table that fits a phone as it is (short cells; the first column may wrap). */
function MiniTable({
  head,
  rows,
  testId,
}: {
  head: string[];
  rows: { key: string | number; cells: (string | number)[] }[];
  testId?: string;
}) {
  return (
    <table className="w-full text-sm" data-testid={testId}>
      <thead>
        <tr className="text-left text-gray-500 dark:text-gray-400">
          {head.map((h, i) => (
            <th key={h} className={cx("py-1 pr-2 font-medium", i > 0 && "text-right whitespace-nowrap")}>
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key} className="border-t border-gray-100 dark:border-gray-800">
            {r.cells.map((c, i) => (
              <td
                key={i}
                className={cx(
                  "py-1.5 pr-2",
                  i === 0 ? "break-all" : "text-right whitespace-nowrap tabular-nums",
                )}
              >
                {c}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
