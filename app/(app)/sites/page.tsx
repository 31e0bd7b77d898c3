import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { DataList } from "@/app/_components/data-list";
import { titleFrom } from "@/app/_components/page-title";
import { RelativeTime } from "@/app/_components/time";
import { Badge, Button, EmptyState, Input, PageHeader } from "@/app/_components/ui";
import { api } from "@/app/_trpc/server";
import { requirePageUser } from "@/server/auth/guard";
import { can } from "@/server/auth/permissions";
import { type SiteHealth, siteAlarmDefaults } from "@/server/sites/sites";
import { NewSite } from "./new-site";

export const generateMetadata = titleFrom("nav", "sites");

const pct = (v: number | null) => (v === null ? "—" : `${Math.round(v)} %`);
const tone = (v: number | null, warn: number, bad: number) =>
  v === null ? "gray" : v >= bad ? "red" : v >= warn ? "amber" : "green";

/** Site list: the health of each of the reader's sites at a glance (issue 12). */
export default async function SitesPage({ searchParams }: { searchParams: Promise<Record<string, string>> }) {
  const user = await requirePageUser("sites.read");
  const t = await getTranslations("sites");
  const sp = await searchParams;
  const q = (sp.q ?? "").slice(0, 200);
  const page = Math.max(1, Number(sp.page) || 1);
  const list = await api.sites.list({ q: q || undefined, page, size: 50 });
  const pages = Math.max(1, Math.ceil(list.total / list.size));
  const href = (p: number) => `/sites?${new URLSearchParams({ ...(q ? { q } : {}), page: String(p) })}`;
  return (
    <>
      <PageHeader title={t("title")} />
      {can(user.role, "sites.write") && (
        <div className="mb-4">
          <NewSite zones={Intl.supportedValuesOf("timeZone")} defaults={siteAlarmDefaults()} />
        </div>
      )}
      <form className="mb-4 flex gap-2" action="/sites">
        <Input
          name="q"
          defaultValue={q}
          placeholder={t("search")}
          aria-label={t("search")}
          className="flex-1"
        />
        <Button type="submit" variant="secondary">
          {t("searchButton")}
        </Button>
      </form>
      {list.items.length === 0 ? (
        <EmptyState title={t("empty")}>{t("emptyBody")}</EmptyState>
      ) : (
        <DataList<SiteHealth>
          rows={list.items}
          rowKey={(s) => s.id}
          rowHref={(s) => `/sites/${s.id}`}
          columns={[
            {
              key: "site",
              header: t("site"),
              primary: true,
              cell: (s) => (
                <span>
                  {s.name} <span className="font-mono text-xs text-gray-500">{s.code}</span>
                </span>
              ),
            },
            {
              key: "servers",
              header: t("servers"),
              cell: (s) => (
                <span className="flex flex-wrap gap-1">
                  <span>{t("reporting", { reporting: s.reporting, total: s.servers })}</span>
                  {s.stale > 0 && <Badge tone="amber">{t("stale", { count: s.stale })}</Badge>}
                </span>
              ),
            },
            {
              key: "alarms",
              header: t("openAlarms"),
              cell: (s) => <Badge tone={s.openAlarms ? "red" : "green"}>{s.openAlarms}</Badge>,
            },
            { key: "last", header: t("lastData"), cell: (s) => <RelativeTime value={s.lastDataAt} /> },
            {
              key: "cpu",
              header: t("worstCpu"),
              cell: (s) => <Badge tone={tone(s.worstCpu, 70, 90)}>{pct(s.worstCpu)}</Badge>,
            },
            {
              key: "disk",
              header: t("worstDisk"),
              cell: (s) => <Badge tone={tone(s.worstDisk, 80, 90)}>{pct(s.worstDisk)}</Badge>,
            },
            { key: "bad", header: t("badLines"), desktopOnly: true, cell: (s) => s.badLines },
          ]}
        />
      )}
      {pages > 1 && (
        <nav className="mt-4 flex justify-between text-sm" aria-label="pagination">
          {page > 1 ? <Link href={href(page - 1)}>←</Link> : <span />}
          <span>
            {page} / {pages}
          </span>
          {page < pages ? <Link href={href(page + 1)}>→</Link> : <span />}
        </nav>
      )}
    </>
  );
}
