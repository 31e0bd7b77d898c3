import { getTranslations } from "next-intl/server";
import { titleFrom } from "@/app/_components/page-title";
import { DateTime } from "@/app/_components/time";
import { Alert, Card, formatBytes, LinkButton, PageHeader } from "@/app/_components/ui";
import { api, forPage } from "@/app/_trpc/server";
import { requirePageUser } from "@/server/auth/guard";
import { can } from "@/server/auth/permissions";
import { MailStatusBadge } from "../status-badge";
import { ResendButton } from "./resend-button";

export const generateMetadata = titleFrom("mail", "title");

export default async function MailDetailPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requirePageUser("mail.read");
  const t = await getTranslations("mail");
  const tc = await getTranslations("common");
  const mail = await forPage(api.mail.get({ id: Number((await params).id) }));
  const rows: [string, React.ReactNode][] = [
    [t("from"), mail.from],
    [t("to"), mail.to.join(", ")],
    ...(mail.cc.length ? ([[t("cc"), mail.cc.join(", ")]] as [string, React.ReactNode][]) : []),
    [t("status"), <MailStatusBadge key="s" status={mail.status} />],
    [t("attempts"), `${mail.attempts} / ${mail.maxAttempts}`],
    [
      t("transport"),
      mail.transport && t.has(`transportName.${mail.transport}`)
        ? t(`transportName.${mail.transport}` as never)
        : (mail.transport ?? tc("none")),
    ],
    [t("created"), <DateTime key="c" value={mail.createdAt} />],
    [t("sentAt"), <DateTime key="d" value={mail.sentAt} />],
    [t("kind"), t.has(`kindName.${mail.kind}`) ? t(`kindName.${mail.kind}` as never) : mail.kind],
  ];
  return (
    <>
      <PageHeader
        title={mail.subject}
        actions={
          <>
            <LinkButton href="/mail">{tc("back")}</LinkButton>
            {can(user.role, "mail.send") && mail.status !== "sending" && <ResendButton id={mail.id} />}
          </>
        }
      />
      <div className="grid gap-4 lg:grid-cols-3">
        <div className="space-y-4 lg:col-span-1">
          <Card>
            <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
              {rows.map(([k, v]) => (
                <div key={k} className="contents">
                  <dt className="text-gray-500 dark:text-gray-400">{k}</dt>
                  <dd className="min-w-0 break-words">{v}</dd>
                </div>
              ))}
            </dl>
          </Card>
          {mail.lastError && (
            <Alert>
              <div className="font-medium">{t("lastError")}</div>
              <pre className="mt-1 font-mono text-xs break-all whitespace-pre-wrap">{mail.lastError}</pre>
            </Alert>
          )}
          <Card title={t("attachments")}>
            {mail.attachments.length === 0 ? (
              <p className="text-sm text-gray-500">{t("noAttachments")}</p>
            ) : (
              <ul className="space-y-1">
                {mail.attachments.map((a) => (
                  <li key={a.id}>
                    <a
                      href={`/api/mail/${mail.id}/attachments/${a.id}`}
                      className="flex min-h-11 items-center justify-between gap-2 rounded-lg px-2 text-sm text-indigo-700 hover:bg-gray-50 dark:text-indigo-300 dark:hover:bg-gray-800"
                    >
                      <span className="truncate">{a.filename}</span>
                      <span className="shrink-0 text-xs text-gray-500">{formatBytes(a.size)}</span>
                    </a>
                  </li>
                ))}
              </ul>
            )}
          </Card>
        </div>
        <div className="space-y-4 lg:col-span-2">
          <Card title={t("preview")}>
            {/* sandbox="" : no scripts, no forms, no same-origin access for the mail's HTML. */}
            <iframe
              title={t("preview")}
              sandbox=""
              srcDoc={mail.html}
              className="h-[60vh] w-full rounded-lg border border-gray-200 bg-white dark:border-gray-700"
            />
          </Card>
          <Card title={t("plainText")}>
            <pre className="max-h-80 overflow-auto font-mono text-xs whitespace-pre-wrap">{mail.text}</pre>
          </Card>
        </div>
      </div>
    </>
  );
}
