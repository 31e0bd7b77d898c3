import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { DataList } from "@/app/_components/data-list";
import { EmptyState, PageHeader } from "@/app/_components/ui";
import { api, forPage } from "@/app/_trpc/server";
import { requirePageUser } from "@/server/auth/guard";
import { COUNTERS, type Counter, type ReportDay } from "@/server/sites/sites";

function Change({ v }: { v: number | null }) {
  if (v === null) return null;
  const tone =
    v > 0 ? "text-green-700 dark:text-green-400" : v < 0 ? "text-red-700 dark:text-red-400" : "text-gray-500";
  return (
    <span className={`text-xs tabular-nums ${tone}`}>
      {v > 0 ? "+" : ""}
      {v}%
    </span>
  );
}

/** The site report: business counters per day with day-over-day and week-over-week change. */
export default async function SiteReportPage({ params }: { params: Promise<{ id: string }> }) {
  await requirePageUser("sites.read");
  const t = await getTranslations("sites");
  const id = Number((await params).id);
  const report = await forPage(api.sites.report({ id, days: 30 }));
  const cell = (k: Counter) => (d: ReportDay) => (
    <span className="flex flex-col">
      <span className="tabular-nums">{d.values[k].toLocaleString()}</span>
      <span className="flex gap-2">
        <span title={t("dayOverDay")}>
          <Change v={d.dayOverDay[k]} />
        </span>
        <span title={t("weekOverWeek")} className="opacity-70">
          <Change v={d.weekOverWeek[k]} />
        </span>
      </span>
    </span>
  );
  return (
    <>
      <PageHeader title={`${t("report")} · ${report.site.name}`}>
        <Link href={`/sites/${id}`} className="text-indigo-700 hover:underline dark:text-indigo-300">
          {t("backToSite")}
        </Link>
        <p className="mt-1 text-xs">{t("changeLegend")}</p>
      </PageHeader>
      {report.days.length === 0 ? (
        <EmptyState title={t("noReport")} />
      ) : (
        <DataList<ReportDay>
          rows={report.days}
          rowKey={(d) => d.day}
          columns={[
            { key: "day", header: t("day"), primary: true, cell: (d) => d.day },
            ...COUNTERS.map((k) => ({ key: k, header: t(`counter.${k}`), cell: cell(k) })),
          ]}
        />
      )}
    </>
  );
}
