import Link from "next/link";
import { getLocale, getTranslations } from "next-intl/server";
import { DataList } from "@/app/_components/data-list";
import { titleFrom } from "@/app/_components/page-title";
import { formatMs } from "@/app/_components/sparkline";
import { DateTime } from "@/app/_components/time";
import { Badge, Button, cx, EmptyState, Input, PageHeader } from "@/app/_components/ui";
import { api } from "@/app/_trpc/server";
import { alarmDescription } from "@/server/alerts/detail";
import { requirePageUser } from "@/server/auth/guard";
import { can } from "@/server/auth/permissions";
import type { Locale } from "@/server/i18n/locale";
import { AckButton } from "./ack-button";
import { Suppressions } from "./suppressions";

export const generateMetadata = titleFrom("nav", "alarms");

const STATES = ["open", "resumed", "all"] as const;
type State = (typeof STATES)[number];
const STATE_KEY = { open: "stateOpen", resumed: "stateResumed", all: "stateAll" } as const;

/** The sites' own alarms (seed 001's alarm page): open first, filter by state, site and text. */
export default async function AlarmsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string>>;
}) {
  const user = await requirePageUser("sites.read");
  const canWrite = can(user.role, "sites.write");
  const t = await getTranslations("sites");
  const locale = (await getLocale()) as Locale;
  const ta = await getTranslations("alerting.ack");
  const sp = await searchParams;
  const state: State = (STATES as readonly string[]).includes(sp.state ?? "") ? (sp.state as State) : "open";
  const q = (sp.q ?? "").slice(0, 200);
  const siteId = Number(sp.site) > 0 ? Number(sp.site) : undefined;
  const page = Math.max(1, Number(sp.page) || 1);
  const list = await api.sites.alarms({ state, q: q || undefined, siteId, page, size: 50 });
  const flags = await api.alerting.alarmFlags({
    ids: list.items.filter((a) => !a.resumedAt).map((a) => a.id),
  });
  type Row = (typeof list.items)[number];
  const link = (over: Record<string, string>) =>
    `/alarms?${new URLSearchParams({ state, ...(q ? { q } : {}), ...(siteId ? { site: String(siteId) } : {}), ...over })}`;
  const pages = Math.max(1, Math.ceil(list.total / list.size));
  return (
    <>
      <PageHeader title={t("alarmsTitle")} />
      <div className="mb-4 flex flex-wrap items-center gap-2 text-sm">
        {STATES.map((s) => (
          <Link
            key={s}
            href={link({ state: s, page: "1" })}
            className={cx(
              "rounded-md px-2 py-1 ring-1 ring-gray-200 dark:ring-gray-700",
              s === state && "bg-indigo-600 text-white ring-indigo-600",
            )}
          >
            {t(STATE_KEY[s])}
          </Link>
        ))}
        <form action="/alarms" className="flex min-w-0 flex-1 gap-2">
          <input type="hidden" name="state" value={state} />
          {siteId && <input type="hidden" name="site" value={siteId} />}
          <Input
            name="q"
            defaultValue={q}
            placeholder={t("alarmSearch")}
            aria-label={t("alarmSearch")}
            className="min-w-0 flex-1"
          />
          <Button type="submit" variant="secondary">
            {t("searchButton")}
          </Button>
        </form>
      </div>
      {list.items.length === 0 ? (
        <EmptyState title={t("alarmsEmpty")} />
      ) : (
        <DataList<Row>
          rows={list.items}
          rowKey={(a) => a.id}
          rowHref={(a) => `/sites/${a.siteId}`}
          columns={[
            { key: "name", header: t("alarm"), primary: true, cell: (a) => a.name },
            {
              key: "site",
              header: t("site"),
              cell: (a) => (
                <Link href={link({ site: String(a.siteId), page: "1" })} className="hover:underline">
                  {a.siteName} <span className="font-mono text-xs text-gray-500">{a.siteCode}</span>
                </Link>
              ),
            },
            { key: "node", header: t("node"), cell: (a) => a.node },
            { key: "desc", header: t("description"), cell: (a) => alarmDescription(a, locale) },
            {
              key: "raised",
              header: t("raised"),
              cell: (a) => <DateTime value={a.raisedAt} timeZone={a.timezone} />,
            },
            {
              key: "resumed",
              header: t("resumed"),
              cell: (a) =>
                a.resumedAt ? (
                  <span className="flex flex-wrap gap-1">
                    <DateTime value={a.resumedAt} timeZone={a.timezone} />
                    <Badge tone="green">{formatMs(a.resumedAt.getTime() - a.raisedAt.getTime())}</Badge>
                  </span>
                ) : (
                  <span className="flex flex-wrap gap-1">
                    <Badge tone="red">{t("notResumed")}</Badge>
                    {flags.acked.includes(a.id) && <Badge tone="blue">{ta("acked")}</Badge>}
                    {flags.silenced.includes(a.id) && <Badge tone="amber">{ta("silenced")}</Badge>}
                  </span>
                ),
            },
            ...(canWrite
              ? [
                  {
                    key: "ack",
                    header: "",
                    cell: (a: Row) =>
                      a.resumedAt ? null : <AckButton alarmId={a.id} acked={flags.acked.includes(a.id)} />,
                  },
                ]
              : []),
          ]}
        />
      )}
      {pages > 1 && (
        <nav className="mt-4 flex justify-between text-sm" aria-label="pagination">
          {page > 1 ? <Link href={link({ page: String(page - 1) })}>←</Link> : <span />}
          <span>
            {page} / {pages}
          </span>
          {page < pages ? <Link href={link({ page: String(page + 1) })}>→</Link> : <span />}
        </nav>
      )}
      <Suppressions siteId={siteId} canWrite={canWrite} />
    </>
  );
}
