"use client";
import { useQuery } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { useTRPC } from "@/app/_components/trpc";
import { Card, cx } from "@/app/_components/ui";
import { formatLocal } from "@/server/lib/local-time";

const SERIES = [
  { key: "succeeded", label: "seriesSucceeded", color: "#16a34a" },
  { key: "failed", label: "seriesFailed", color: "#dc2626" },
  { key: "other", label: "seriesOther", color: "#9ca3af" },
] as const;

/** Finished runs per hour (24 h) or per day (7 d), stacked by outcome; buckets come from the server. */
export function RunsChart() {
  const t = useTranslations("dashboard");
  const trpc = useTRPC();
  const [range, setRange] = useState<"24h" | "7d">("24h");
  const q = useQuery(trpc.dashboard.runsChart.queryOptions({ range }, { refetchInterval: 30_000 }));
  const zone = q.data?.zone ?? "UTC";
  const data = (q.data?.buckets ?? []).map((b) => {
    // "YYYY-MM-DD HH:MM:SS" in the reader's zone: the bucket's hour, or its day.
    const local = formatLocal(new Date(b.at), zone);
    return { ...b, label: range === "24h" ? local.slice(11, 16) : local.slice(5, 10) };
  });
  const empty = data.every((d) => d.succeeded + d.failed + d.other === 0);
  return (
    <Card
      title={t("chart")}
      className="md:col-span-2 xl:col-span-3"
      actions={
        <fieldset className="inline-flex rounded-lg ring-1 ring-gray-300 dark:ring-gray-700">
          {(["24h", "7d"] as const).map((r) => (
            <button
              key={r}
              type="button"
              aria-pressed={range === r}
              data-testid={`chart-${r}`}
              onClick={() => setRange(r)}
              className={cx(
                "min-h-9 px-3 text-sm first:rounded-l-lg last:rounded-r-lg",
                range === r ? "bg-indigo-600 text-white" : "text-gray-700 dark:text-gray-300",
              )}
            >
              {t(r === "24h" ? "range24h" : "range7d")}
            </button>
          ))}
        </fieldset>
      }
    >
      <div className="relative h-56 w-full" data-testid="runs-chart">
        {q.data && empty && (
          <p className="absolute inset-0 z-10 flex items-center justify-center text-sm text-gray-500">
            {t("chartEmpty")}
          </p>
        )}
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={data} margin={{ top: 4, right: 8, bottom: 0, left: -16 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" vertical={false} />
            <XAxis dataKey="label" fontSize={11} interval="preserveStartEnd" minTickGap={12} />
            <YAxis allowDecimals={false} fontSize={11} />
            <Tooltip />
            <Legend wrapperStyle={{ fontSize: 12 }} />
            {SERIES.map((s) => (
              <Bar
                key={s.key}
                dataKey={s.key}
                name={t(s.label)}
                stackId="runs"
                fill={s.color}
                isAnimationActive={false}
              />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </div>
    </Card>
  );
}
