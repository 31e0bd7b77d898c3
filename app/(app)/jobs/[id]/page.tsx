import type { Metadata } from "next";
import Link from "next/link";
import { getLocale, getTranslations } from "next-intl/server";
import { SubjectWebhooks } from "@/app/_components/subject-webhooks";
import { DateTime } from "@/app/_components/time";
import { Badge, Card, PageHeader } from "@/app/_components/ui";
import { api, forPage } from "@/app/_trpc/server";
import { requirePageUser } from "@/server/auth/guard";
import { can } from "@/server/auth/permissions";
import { parseCron } from "@/server/cron/cron";
import { instanceLocale } from "@/server/i18n/zone";
import { AlertsCard } from "./alerts-card";
import { JobActions } from "./job-actions";
import { JobLive } from "./job-live";
import { ReportMailActions } from "./report-mail-actions";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const job = await api.jobs.get({ id: Number((await params).id) }).catch(() => null);
  return { title: job?.name ?? (await getTranslations("jobs"))("title") };
}

export default async function JobPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requirePageUser("jobs.read");
  const t = await getTranslations("jobs");
  const tf = await getTranslations("jobs.form");
  const tr = await getTranslations("reports");
  const tp = await getTranslations("jobPage");
  const ta = await getTranslations("alerts.state");
  const tl = await getTranslations("alerts.form.languageName");
  const locale = await getLocale();
  const job = await forPage(api.jobs.get({ id: Number((await params).id) }));
  const alerts = await forPage(api.alerts.state({ kind: "job", id: job.id }));
  const schedule = parseCron(job.cron, job.timezone);
  const facts: [string, React.ReactNode][] = [
    [
      t("mode"),
      <Badge key="m" tone="blue">
        {t(`modeName.${job.mode}`)}
      </Badge>,
    ],
    [t("policy"), t(`policyName.${job.policy}`)],
    [t("misfire"), t(`misfireName.${job.misfirePolicy}`)],
    [tp("retries"), tp("retriesValue", { count: job.retries, backoff: job.retryBackoffSeconds })],
    [
      tp("timeout"),
      job.timeoutSeconds ? tp("timeoutValue", { seconds: job.timeoutSeconds }) : tp("timeoutDefault"),
    ],
    [
      tp("runs"),
      job.maxRunCount
        ? tp("runsValue", { done: job.runCount, max: job.maxRunCount })
        : tp("runsUnlimited", { done: job.runCount }),
    ],
    // Kairos users read their own language; this is what outside addresses get (issue 10).
    [
      tp("mailLanguage"),
      job.mailLanguage ? tl(job.mailLanguage) : tp("mailLanguageDefault", { language: tl(instanceLocale()) }),
    ],
    [tp("onSuccess"), job.onSuccessStart.join(", ") || tp("none")],
    [tp("onFailure"), job.onFailureStart.join(", ") || tp("none")],
    [t("tags"), job.tags.length ? job.tags.map((tag) => <Badge key={tag}>{tag}</Badge>) : "—"],
  ];
  return (
    <>
      <PageHeader
        title={job.name}
        actions={
          <JobActions
            job={{ id: job.id, name: job.name, state: job.state }}
            canWrite={can(user.role, "jobs.write")}
            canRun={can(user.role, "jobs.run")}
          />
        }
      >
        {job.description}
      </PageHeader>
      {/* What a reader asks first: is it on, and when does it fire next. */}
      <p className="-mt-2 mb-4 flex flex-wrap items-center gap-x-3 gap-y-1 text-sm" data-testid="job-summary">
        <Badge tone={job.state === "waiting" ? "green" : "gray"}>{t(`stateName.${job.state}`)}</Badge>
        {alerts.status === "failing" && <Badge tone="red">{ta("failing")}</Badge>}
        <span className="text-gray-500">{tp("nextFire")}</span>
        <span data-testid="job-summary-next">
          {job.nextFireAt ? <DateTime value={job.nextFireAt} timeZone={job.timezone} /> : tp("noNextFire")}
        </span>
      </p>
      <div className="grid gap-4 lg:grid-cols-3">
        <div className="min-w-0 space-y-4 lg:col-span-1">
          <Card title={tf("scheduleSection")}>
            <p className="font-mono text-sm">{job.cron}</p>
            <p className="mt-1 text-sm">{schedule.describe(locale === "zh-CN" ? "zh-CN" : "en")}</p>
            <p className="mt-1 text-xs text-gray-500">{job.timezone}</p>
            {/* A schedule reads in the job's own zone, labelled when that is not the reader's. */}
            <p className="mt-2 text-sm" data-testid="job-next-fire">
              <span className="mr-2 text-gray-500">{t("next")}</span>
              {job.nextFireAt ? <DateTime value={job.nextFireAt} timeZone={job.timezone} /> : t("noNext")}
            </p>
          </Card>
          <Card title={tf("behaviour")}>
            {/* Label above value: the labels are long, and a side-by-side grid squeezes the values. */}
            <dl className="grid grid-cols-2 gap-x-4 gap-y-3 text-sm">
              {facts.map(([k, v]) => (
                <div key={k} className="min-w-0">
                  <dt className="text-xs text-gray-500 dark:text-gray-400">{k}</dt>
                  <dd className="mt-0.5 flex min-w-0 flex-wrap gap-1 break-words">{v}</dd>
                </div>
              ))}
            </dl>
          </Card>
          <AlertsCard
            jobId={job.id}
            state={alerts}
            remindSeconds={job.alertRemindSeconds}
            to={job.notifyEmails}
            canWrite={can(user.role, "jobs.write")}
          />
          <SubjectWebhooks subject={{ kind: "job", id: job.id }} canWrite={can(user.role, "jobs.write")} />
          {job.mode === "script" || job.mode === "mail_pickup" ? (
            <Card title={tr(job.mode === "script" ? "script.title" : "pickup.title")}>
              <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
                {job.mode === "script" ? (
                  <>
                    <dt className="text-gray-500 dark:text-gray-400">{tr("script.choose")}</dt>
                    <dd data-testid="job-script">
                      #{String((job.params as { scriptId?: number }).scriptId ?? "")}
                    </dd>
                  </>
                ) : (
                  <>
                    <dt className="text-gray-500 dark:text-gray-400">{tr("pickup.prefix")}</dt>
                    <dd className="min-w-0 font-mono break-all" data-testid="job-prefix">
                      {String((job.params as { prefix?: string }).prefix ?? "")}
                    </dd>
                  </>
                )}
                <dt className="text-gray-500 dark:text-gray-400">{tr("script.to")}</dt>
                <dd className="min-w-0 break-words">
                  {((job.params as { mail?: { to?: string[] } }).mail?.to ?? []).join(", ") || "—"}
                </dd>
              </dl>
              <Link
                href={`/reports?job=${job.id}`}
                className="mt-3 inline-flex min-h-11 items-center rounded-lg px-3 text-sm ring-1 ring-gray-300 dark:ring-gray-700"
              >
                {tr("files.title")}
              </Link>
              {can(user.role, "jobs.run") && <ReportMailActions jobId={job.id} />}
            </Card>
          ) : (
            <Card title={tf("asText")}>
              <pre
                className="overflow-x-auto rounded-lg bg-gray-50 p-3 font-mono text-xs whitespace-pre-wrap break-all dark:bg-gray-800/60"
                data-testid="command-text"
              >
                {job.commandText}
              </pre>
            </Card>
          )}
        </div>
        {/* On a phone the runs come first: they are what a reader opens a job for. */}
        <div className="order-first min-w-0 lg:order-none lg:col-span-2">
          <JobLive id={job.id} />
        </div>
      </div>
    </>
  );
}
