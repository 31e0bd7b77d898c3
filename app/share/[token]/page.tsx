import type { Metadata } from "next";
import { NextIntlClientProvider } from "next-intl";
import { getTranslations } from "next-intl/server";
import { ReportFilePanel } from "@/app/_components/report-viewer/report-file-panel";
import { api } from "@/app/_trpc/server";
import { messagesFor } from "@/server/i18n/messages";
import { formatMailTime } from "@/server/lib/local-time";

export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  // A link in a mail is not for search engines, and must not leak through a Referer.
  robots: { index: false, follow: false },
  referrer: "no-referrer",
};

// Read anywhere, by someone whose zone Kairos does not know: the job's zone, named.
const when = (d: Date, timeZone: string) => formatMailTime(d, timeZone);

/**
 * A run's report through its share link (issue 11): what a manager opens from the mail, on a
 * phone, in WeChat, without an account — in the job's language (its owner's), light (no app
 * shell; the chart library loads only when asked), the tables readable at 390 px.
 */
export default async function SharePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const shared = await api.reports.shared.get({ token });
  if (shared.state !== "ok") {
    const t = await getTranslations("reports.share");
    return (
      <main className="mx-auto max-w-xl px-4 py-12" data-testid="share-gone">
        <h1 className="text-lg font-semibold">{t("gone")}</h1>
        <p className="mt-2 text-gray-600 dark:text-gray-400">{t(shared.state)}</p>
      </main>
    );
  }
  const { locale, timezone } = shared;
  const t = await getTranslations({ locale, namespace: "reports.share" });
  return (
    <NextIntlClientProvider locale={locale} messages={messagesFor(locale)} timeZone={timezone}>
      <main lang={locale} className="mx-auto max-w-5xl px-3 py-4 sm:px-6 sm:py-8" data-testid="share-page">
        <header className="mb-4">
          <p className="text-xs tracking-wide text-gray-500 uppercase">{t("title")}</p>
          <h1 className="mt-1 text-xl font-semibold break-words">{shared.jobName}</h1>
          <p className="mt-1 text-sm text-gray-600 dark:text-gray-400">
            {when(shared.scheduledAt, timezone)}
          </p>
        </header>
        <section className="rounded-xl bg-white p-3 shadow-sm ring-1 ring-gray-200 sm:p-4 dark:bg-gray-900 dark:ring-gray-800">
          <h2 className="text-sm font-semibold">{t("files")}</h2>
          {shared.files.length ? (
            <ul className="divide-y divide-gray-200 dark:divide-gray-800">
              {shared.files.map((f, i) => (
                <ReportFilePanel
                  key={f.id}
                  name={f.name}
                  size={f.size}
                  href={`/share/${token}/files/${f.id}`}
                  source={{ fileId: f.id, token }}
                  defaultOpen={i === 0}
                />
              ))}
            </ul>
          ) : (
            <p className="mt-2 text-sm text-gray-500">{t("noFiles")}</p>
          )}
        </section>
        <p className="mt-4 text-xs text-gray-500">{t("until", { date: when(shared.expiresAt, timezone) })}</p>
      </main>
    </NextIntlClientProvider>
  );
}
