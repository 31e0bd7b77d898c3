"use client";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import dynamic from "next/dynamic";
import { useTranslations } from "next-intl";
import { useId, useState } from "react";
import { useTRPC } from "@/app/_components/trpc";
import { Alert, Button, cx, Select } from "@/app/_components/ui";

const ReportChart = dynamic(() => import("./report-chart"), { ssr: false });

const PAGE_SIZE = 50;

/** A report file by id (signed in), or through a share link's token (anyone holding it). */
export type ViewerSource = { fileId: number; token?: string };

/**
 * A CSV / XLSX report file in the page: sheet tabs, 50 rows a page read on the server, a header
 * that stays while the table scrolls (sideways too, on a phone), and on demand a line chart of
 * a numeric column over another column.
 */
export function ReportViewer({ source }: { source: ViewerSource }) {
  const t = useTranslations("reports.viewer");
  const trpc = useTRPC();
  const id = useId();
  const [sheet, setSheet] = useState(0);
  const [page, setPage] = useState(1);
  const [chartOn, setChartOn] = useState(false);
  const [axes, setAxes] = useState<{ x: number; y: number } | null>(null);

  const pageInput = { sheet, page, size: PAGE_SIZE };
  const viewOpts = { placeholderData: keepPreviousData, staleTime: 60_000 };
  const view = useQuery(
    source.token
      ? trpc.reports.shared.view.queryOptions(
          { token: source.token, fileId: source.fileId, ...pageInput },
          viewOpts,
        )
      : trpc.reports.files.view.queryOptions({ id: source.fileId, ...pageInput }, viewOpts),
  );
  const data = view.data?.kind === "table" ? view.data : undefined;
  const numeric = data?.numeric ?? [];
  const firstText = data ? data.columns.findIndex((_, i) => !numeric.includes(i)) : -1;
  const xCol = axes?.x ?? Math.max(firstText, 0);
  const yCol = axes?.y ?? numeric.find((c) => c !== xCol) ?? numeric[0] ?? 0;
  const chartInput = { sheet, x: xCol, y: yCol };
  const chartOpts = { enabled: chartOn && !!data && numeric.length > 0, staleTime: 60_000 };
  const chart = useQuery(
    source.token
      ? trpc.reports.shared.chart.queryOptions(
          { token: source.token, fileId: source.fileId, ...chartInput },
          chartOpts,
        )
      : trpc.reports.files.chart.queryOptions({ id: source.fileId, ...chartInput }, chartOpts),
  );

  if (view.error) return <Alert>{view.error.message}</Alert>;
  if (!view.data) return <p className="py-4 text-sm text-gray-500">{t("loading")}</p>;
  if (!data) {
    return (
      <p className="py-2 text-sm text-gray-500" data-testid="viewer-none">
        {t("noTable")}
      </p>
    );
  }
  const from = data.rows.length ? (data.page - 1) * data.size + 1 : 0;
  const to = (data.page - 1) * data.size + data.rows.length;
  const lastPage = Math.max(1, Math.ceil(data.keptRows / data.size));

  return (
    <div className="space-y-3" data-testid="report-viewer">
      {data.sheets.length > 1 && (
        <div className="-mx-1 flex gap-1 overflow-x-auto px-1 pb-1" role="tablist" aria-label={t("sheets")}>
          {data.sheets.map((name, i) => (
            <button
              key={i}
              type="button"
              role="tab"
              aria-selected={i === data.sheet}
              onClick={() => {
                setSheet(i);
                setPage(1);
                setAxes(null);
              }}
              className={cx(
                "min-h-11 shrink-0 rounded-lg px-3 text-sm whitespace-nowrap ring-1",
                i === data.sheet
                  ? "bg-indigo-600 text-white ring-indigo-600"
                  : "ring-gray-300 dark:ring-gray-700",
              )}
            >
              {name}
            </button>
          ))}
        </div>
      )}
      {data.keptRows === 0 ? (
        <p className="text-sm text-gray-500">{t("empty")}</p>
      ) : (
        <div className="max-h-[70vh] overflow-auto rounded-lg ring-1 ring-gray-200 dark:ring-gray-800">
          <table className="min-w-full border-separate border-spacing-0 text-sm" data-testid="viewer-table">
            <thead>
              <tr>
                {data.columns.map((c, i) => (
                  <th
                    key={i}
                    className="sticky top-0 z-10 border-b border-gray-200 bg-gray-50 px-3 py-2 text-left font-semibold whitespace-nowrap dark:border-gray-800 dark:bg-gray-900"
                  >
                    {c}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {data.rows.map((row, r) => (
                <tr
                  key={r}
                  className="odd:bg-white even:bg-gray-50/60 dark:odd:bg-gray-950 dark:even:bg-gray-900/40"
                >
                  {row.map((cell, c) => (
                    <td
                      key={c}
                      className={cx(
                        "border-b border-gray-100 px-3 py-1.5 whitespace-nowrap dark:border-gray-800",
                        numeric.includes(c) && "text-right tabular-nums",
                      )}
                    >
                      {cell}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <span className="mr-auto text-gray-600 dark:text-gray-400" data-testid="viewer-rows">
          {t("rows", { from, to, total: data.totalRows })}
        </span>
        <Button
          variant="secondary"
          disabled={data.page <= 1}
          onClick={() => setPage((p) => Math.max(1, p - 1))}
        >
          {t("prev")}
        </Button>
        <Button variant="secondary" disabled={data.page >= lastPage} onClick={() => setPage((p) => p + 1)}>
          {t("next")}
        </Button>
        {numeric.length > 0 && (
          <Button
            variant="secondary"
            onClick={() => setChartOn((on) => !on)}
            data-testid="viewer-chart-toggle"
          >
            {chartOn ? t("hideChart") : t("chart")}
          </Button>
        )}
      </div>
      {data.keptRows < data.totalRows && (
        <p className="text-xs text-gray-500">{t("capped", { kept: data.keptRows, total: data.totalRows })}</p>
      )}
      {chartOn && numeric.length > 0 && (
        <div className="space-y-2">
          <div className="grid grid-cols-2 gap-2">
            <label htmlFor={`${id}-y`} className="text-xs text-gray-600 dark:text-gray-400">
              {t("y")}
              <Select
                id={`${id}-y`}
                value={yCol}
                onChange={(e) => setAxes({ x: xCol, y: Number(e.target.value) })}
              >
                {numeric.map((c) => (
                  <option key={c} value={c}>
                    {data.columns[c]}
                  </option>
                ))}
              </Select>
            </label>
            <label htmlFor={`${id}-x`} className="text-xs text-gray-600 dark:text-gray-400">
              {t("x")}
              <Select
                id={`${id}-x`}
                value={xCol}
                onChange={(e) => setAxes({ x: Number(e.target.value), y: yCol })}
              >
                {data.columns.map((name, c) => (
                  <option key={c} value={c}>
                    {name}
                  </option>
                ))}
              </Select>
            </label>
          </div>
          {chart.error ? (
            <Alert>{chart.error.message}</Alert>
          ) : chart.data ? (
            <ReportChart points={chart.data.points} y={chart.data.y} />
          ) : (
            <p className="text-sm text-gray-500">{t("loading")}</p>
          )}
        </div>
      )}
    </div>
  );
}
