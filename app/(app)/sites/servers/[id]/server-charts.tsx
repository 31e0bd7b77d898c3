"use client";
import { useFormatter, useTranslations } from "next-intl";
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

/** One chart point: avg per series, with the bucket's min and max for the tooltip. */
export type ChartPoint = { t: number } & Record<string, number | null>;
export type ChartSeries = { key: string; label: string; color: string };

type TipProps = {
  active?: boolean;
  label?: number;
  payload?: { dataKey?: string | number; payload: ChartPoint }[];
  series: ChartSeries[];
};

function Tip({ active, label, payload, series }: TipProps) {
  const t = useTranslations("sites");
  const f = useFormatter();
  if (!active || !payload?.length) return null;
  const p = payload[0]?.payload;
  if (!p) return null;
  const n = (v: number | null | undefined) => (v === null || v === undefined ? "—" : v.toFixed(1));
  return (
    <div className="rounded-md bg-white p-2 text-xs shadow ring-1 ring-gray-200 dark:bg-gray-900 dark:ring-gray-700">
      <div className="mb-1 font-medium">
        {f.dateTime(new Date(label ?? 0), { dateStyle: "short", timeStyle: "short" })}
      </div>
      {series.map((s) => (
        <div key={s.key} className="tabular-nums">
          <span style={{ color: s.color }}>{s.label}</span> {t("min")} {n(p[`${s.key}_min`])} · {t("avg")}{" "}
          {n(p[s.key])} · {t("max")} {n(p[`${s.key}_max`])}
        </div>
      ))}
    </div>
  );
}

/** A server's metric over time, drawn in the browser from points the server downsampled. */
export function MetricChart({
  title,
  data,
  series,
}: {
  title: string;
  data: ChartPoint[];
  series: ChartSeries[];
}) {
  const f = useFormatter();
  const t = useTranslations("sites");
  const span = data.length > 1 ? (data.at(-1)?.t ?? 0) - (data[0]?.t ?? 0) : 0;
  const tick = (v: number) =>
    span > 2 * 86400_000
      ? f.dateTime(new Date(v), { month: "numeric", day: "numeric" })
      : f.dateTime(new Date(v), { hour: "2-digit", minute: "2-digit" });
  return (
    <section className="rounded-xl bg-white p-4 shadow-sm ring-1 ring-gray-200 dark:bg-gray-900 dark:ring-gray-800">
      <h2 className="mb-2 text-sm font-semibold">{title}</h2>
      {data.length === 0 ? (
        <p className="text-sm text-gray-500">{t("noData")}</p>
      ) : (
        <div className="h-56 w-full">
          <ResponsiveContainer width="100%" height="100%">
            <LineChart data={data} margin={{ top: 4, right: 8, bottom: 0, left: -16 }}>
              <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
              <XAxis
                dataKey="t"
                type="number"
                domain={["dataMin", "dataMax"]}
                tickFormatter={tick}
                fontSize={11}
              />
              <YAxis domain={[0, 100]} fontSize={11} />
              <Tooltip content={<Tip series={series} />} />
              {series.map((s) => (
                <Line
                  key={s.key}
                  dataKey={s.key}
                  stroke={s.color}
                  dot={false}
                  isAnimationActive={false}
                  connectNulls
                />
              ))}
            </LineChart>
          </ResponsiveContainer>
        </div>
      )}
    </section>
  );
}
