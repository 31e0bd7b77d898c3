import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { DateTime } from "@/app/_components/time";
import { Badge, Button, Card, cx, Input, PageHeader } from "@/app/_components/ui";
import { api, forPage } from "@/app/_trpc/server";
import { requirePageUser } from "@/server/auth/guard";
import type { SeriesPoint } from "@/server/sites/series";
import { type ChartPoint, MetricChart } from "./server-charts";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const server = await api.sites.server({ id: Number((await params).id) }).catch(() => null);
  return { title: server?.name ?? (await getTranslations("nav"))("sites") };
}

const RANGES = {
  "1h": 3600_000,
  "6h": 6 * 3600_000,
  "24h": 86400_000,
  "7d": 7 * 86400_000,
  "30d": 30 * 86400_000,
  "90d": 90 * 86400_000,
} as const;
type RangeKey = keyof typeof RANGES;

const pctOf = (part: number | null, whole: number | null) =>
  part === null || !whole ? null : Math.round((part / whole) * 1000) / 10;

function cpuPoints(rows: SeriesPoint[]): ChartPoint[] {
  return rows.map((r) => ({
    t: r.at.getTime(),
    busy: r.avg[3] === null ? null : 100 - r.avg[3],
    busy_min: r.max[3] === null ? null : 100 - r.max[3],
    busy_max: r.min[3] === null ? null : 100 - r.min[3],
    user: r.avg[0],
    user_min: r.min[0],
    user_max: r.max[0],
    sys: r.avg[1],
    sys_min: r.min[1],
    sys_max: r.max[1],
    io: r.avg[2],
    io_min: r.min[2],
    io_max: r.max[2],
  }));
}

/** used / total as a percentage: mem (v1 used, v4 total) or disk (v1 used, v2 total). */
function usedPoints(rows: SeriesPoint[], total: 1 | 3): ChartPoint[] {
  return rows.map((r) => ({
    t: r.at.getTime(),
    used: pctOf(r.avg[0], r.avg[total]),
    used_min: pctOf(r.min[0], r.avg[total]),
    used_max: pctOf(r.max[0], r.avg[total]),
  }));
}

/** A server's charts: cpu, memory, every disk, over a chosen range (issue 12). */
export default async function ServerPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string>>;
}) {
  await requirePageUser("sites.read");
  const t = await getTranslations("sites");
  const id = Number((await params).id);
  const sp = await searchParams;
  const server = await forPage(api.sites.server({ id }));
  const range: RangeKey = sp.range && sp.range in RANGES ? (sp.range as RangeKey) : "24h";
  const customFrom = sp.from ? new Date(sp.from) : null;
  // The "to" day is included: the range ends at the next midnight (UTC).
  const customTo = sp.to ? new Date(Date.parse(sp.to) + 86400_000) : null;
  const isCustom = !!customFrom && !!customTo && customTo > customFrom && !Number.isNaN(customFrom.getTime());
  const to = isCustom ? (customTo as Date) : new Date();
  const from = isCustom ? (customFrom as Date) : new Date(to.getTime() - RANGES[range]);
  const [cpu, mem, mounts, nodes] = await Promise.all([
    api.sites.series({ serverId: id, kind: "cpu", from, to }),
    api.sites.series({ serverId: id, kind: "mem", from, to }),
    api.sites.mounts({ id }),
    api.sites.nodes({ id }),
  ]);
  const disks = await Promise.all(
    mounts.map(async (mount) => ({
      mount,
      rows: await api.sites.series({ serverId: id, kind: "disk", mount, from, to }),
    })),
  );
  const day = (d: Date) => d.toISOString().slice(0, 10);
  return (
    <>
      <PageHeader title={`${server.name} · ${server.ip}`}>
        <Link
          href={`/sites/${server.siteId}`}
          className="text-indigo-700 hover:underline dark:text-indigo-300"
        >
          {t("backToSite")}
        </Link>
      </PageHeader>
      <div className="mb-4 flex flex-wrap items-center gap-2 text-sm">
        <span className="text-gray-500">{t("range")}</span>
        {(Object.keys(RANGES) as RangeKey[]).map((k) => (
          <Link
            key={k}
            href={`/sites/servers/${id}?range=${k}`}
            className={cx(
              "rounded-md px-2 py-1 ring-1 ring-gray-200 dark:ring-gray-700",
              !isCustom && k === range && "bg-indigo-600 text-white ring-indigo-600",
            )}
          >
            {k}
          </Link>
        ))}
        <form action={`/sites/servers/${id}`} className="flex flex-wrap items-center gap-2">
          <Input type="date" name="from" defaultValue={day(from)} aria-label="from" className="w-auto" />
          <Input type="date" name="to" defaultValue={day(to)} aria-label="to" className="w-auto" />
          <Button type="submit" variant="secondary">
            {t("custom")}
          </Button>
        </form>
      </div>
      {nodes.length > 0 && (
        <Card title={t("nodes")} className="mb-4">
          <ul className="flex flex-wrap gap-2 text-sm">
            {nodes.map((n) => (
              <li key={n.node} className="flex items-center gap-1">
                <span className="font-mono">{n.node}</span>
                <Badge tone={n.state === "running" ? "green" : "red"}>{n.state}</Badge>
                <span className="text-xs text-gray-500">
                  <DateTime value={n.at} timeZone={server.timezone} />
                </span>
              </li>
            ))}
          </ul>
        </Card>
      )}
      <div className="grid gap-4 lg:grid-cols-2">
        <MetricChart
          title={t("cpuChart")}
          data={cpuPoints(cpu)}
          series={[
            { key: "busy", label: t("busy"), color: "#4f46e5" },
            { key: "user", label: t("user"), color: "#0ea5e9" },
            { key: "sys", label: t("sys"), color: "#f59e0b" },
            { key: "io", label: t("io"), color: "#ef4444" },
          ]}
        />
        <MetricChart
          title={t("memChart")}
          data={usedPoints(mem, 3)}
          series={[{ key: "used", label: t("used"), color: "#16a34a" }]}
        />
        {disks.map((d) => (
          <MetricChart
            key={d.mount}
            title={t("diskChart", { mount: d.mount })}
            data={usedPoints(d.rows, 1)}
            series={[{ key: "used", label: t("used"), color: "#9333ea" }]}
          />
        ))}
      </div>
    </>
  );
}
