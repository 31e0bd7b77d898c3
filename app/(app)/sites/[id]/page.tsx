import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { DataList } from "@/app/_components/data-list";
import { DateTime, RelativeTime } from "@/app/_components/time";
import { Badge, Card, formatBytes, PageHeader } from "@/app/_components/ui";
import { api, forPage } from "@/app/_trpc/server";
import { requirePageUser } from "@/server/auth/guard";
import { can } from "@/server/auth/permissions";
import type { ServerFigures } from "@/server/sites/sites";
import { EditSite } from "./edit-site";
import { SiteAlerting } from "./site-alerting";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const site = await api.sites.get({ id: Number((await params).id) }).catch(() => null);
  return { title: site?.name ?? (await getTranslations("nav"))("sites") };
}

const pct = (v: number | null) => (v === null ? "—" : `${Math.round(v)} %`);

/** A site: its servers with their figures, and its collection status with the bad lines. */
export default async function SitePage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requirePageUser("sites.read");
  const t = await getTranslations("sites");
  const id = Number((await params).id);
  const site = await forPage(api.sites.get({ id }));
  const canWrite = can(user.role, "sites.write");
  const [servers, files, bad, people] = await Promise.all([
    api.sites.servers({ id }),
    api.sites.files({ id }),
    api.sites.badLines({ id, size: 20 }),
    canWrite ? api.sites.people() : Promise.resolve([]),
  ]);
  const facts: [string, React.ReactNode][] = [
    [t("timezone"), site.timezone],
    [t("baseUrl"), site.baseUrl ?? t("pushOnly")],
    [
      t("openAlarms"),
      <Badge key="a" tone={site.openAlarms ? "red" : "green"}>
        {site.openAlarms}
      </Badge>,
    ],
    [t("lastData"), <RelativeTime key="l" value={site.lastDataAt} />],
    [t("people"), site.users.map((u) => u.username).join(", ") || "—"],
    [
      t("pullJob"),
      site.pullJobId ? (
        <Link
          key="j"
          href={`/jobs/${site.pullJobId}`}
          className="text-indigo-700 hover:underline dark:text-indigo-300"
        >
          #{site.pullJobId}
        </Link>
      ) : (
        "—"
      ),
    ],
  ];
  return (
    <>
      <PageHeader title={`${site.name} · ${site.code}`}>
        <Link
          href={`/sites/${site.id}/report`}
          className="text-indigo-700 hover:underline dark:text-indigo-300"
        >
          {t("report")}
        </Link>
      </PageHeader>
      {canWrite && (
        <div className="mb-4">
          <EditSite
            site={{
              id: site.id,
              name: site.name,
              baseUrl: site.baseUrl,
              timezone: site.timezone,
              pullCron: site.pullCron,
              alarmGroupWaitSeconds: site.alarmGroupWaitSeconds,
              alarmRemindSeconds: site.alarmRemindSeconds,
              userIds: site.users.map((u) => u.id),
            }}
            people={people}
            zones={Intl.supportedValuesOf("timeZone")}
            defaults={site.alarmDefaults}
          />
        </div>
      )}
      <div className="grid gap-4 lg:grid-cols-3">
        <Card className="min-w-0 lg:col-span-1">
          <dl className="grid grid-cols-2 gap-x-4 gap-y-3 text-sm">
            {facts.map(([k, v]) => (
              <div key={k} className="min-w-0">
                <dt className="text-xs text-gray-500 dark:text-gray-400">{k}</dt>
                <dd className="mt-0.5 break-words">{v}</dd>
              </div>
            ))}
          </dl>
        </Card>
        <div className="min-w-0 space-y-4 lg:col-span-2">
          {servers.length === 0 ? (
            <Card title={t("servers")}>
              <p className="text-sm text-gray-500">{t("noServers")}</p>
            </Card>
          ) : (
            <DataList<ServerFigures>
              rows={servers}
              rowKey={(s) => s.id}
              rowHref={(s) => `/sites/servers/${s.id}`}
              columns={[
                { key: "name", header: t("server"), primary: true, cell: (s) => s.name },
                {
                  key: "ip",
                  header: t("ip"),
                  cell: (s) => <span className="font-mono text-xs">{s.ip}</span>,
                },
                {
                  key: "last",
                  header: t("lastData"),
                  cell: (s) => (
                    <span className="flex gap-1">
                      <RelativeTime value={s.lastSampleAt} />
                      {!s.reporting && <Badge tone="amber">{t("stale", { count: 1 })}</Badge>}
                    </span>
                  ),
                },
                { key: "cpu", header: t("cpu"), cell: (s) => pct(s.cpu) },
                { key: "disk", header: t("worstDisk"), cell: (s) => pct(s.disk) },
              ]}
            />
          )}
          <Card title={t("collection")}>
            {files.length === 0 ? (
              <p className="text-sm text-gray-500">{t("noFiles")}</p>
            ) : (
              <ul className="divide-y divide-gray-100 text-sm dark:divide-gray-800">
                {files.map((f) => (
                  <li key={`${f.kind}-${f.day}`} className="flex flex-wrap items-center gap-x-3 gap-y-1 py-2">
                    <span className="font-mono text-xs">
                      {f.kind} {f.day}
                    </span>
                    <span>
                      {t("offset")} {formatBytes(f.offset)} · {t("lines")} {f.lines} · {t("badLines")}{" "}
                      {f.badLines}
                    </span>
                    {f.encoding && <Badge>{f.encoding}</Badge>}
                    {f.isComplete && <Badge tone="green">{t("complete")}</Badge>}
                    {f.lastError && <Badge tone="red">{f.lastError}</Badge>}
                    <span className="text-xs text-gray-500">
                      {t("lastPull")} <DateTime value={f.lastPullAt} />
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </Card>
          <Card title={t("recentBadLines")}>
            {bad.items.length === 0 ? (
              <p className="text-sm text-gray-500">{t("noBadLines")}</p>
            ) : (
              <ul className="divide-y divide-gray-100 text-sm dark:divide-gray-800">
                {bad.items.map((b) => (
                  <li key={b.id} className="py-2">
                    <div className="flex flex-wrap gap-2">
                      <span className="font-mono text-xs">
                        {b.file}:{b.lineNo}
                      </span>
                      <span>{b.reason}</span>
                    </div>
                    <pre className="mt-1 overflow-x-auto text-xs text-gray-500">{b.raw}</pre>
                  </li>
                ))}
              </ul>
            )}
          </Card>
          <SiteAlerting siteId={site.id} canWrite={can(user.role, "sites.write")} />
        </div>
      </div>
    </>
  );
}
