"use client";
import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useTRPC } from "@/app/_components/trpc";
import { Button } from "@/app/_components/ui";

/**
 * A report job's mail buttons: "send now" runs the job now (script, then its mail to every
 * recipient) and opens the run; "send a test to me" mails the last run's report to the signed-in
 * user only, marked as a test, through the outbox.
 */
export function ReportMailActions({ jobId }: { jobId: number }) {
  const t = useTranslations("reports.send");
  const trpc = useTRPC();
  const router = useRouter();
  const now = useMutation(
    trpc.jobs.runNow.mutationOptions({ onSuccess: (r) => router.push(`/runs/${r.id}`) }),
  );
  const test = useMutation(trpc.reports.sendTest.mutationOptions());
  const busy = now.isPending || test.isPending;
  const error = now.error ?? test.error;
  return (
    <div className="mt-3 space-y-2" data-testid="report-mail-actions">
      <div className="flex flex-wrap gap-2">
        <Button
          onClick={() => now.mutate({ id: jobId })}
          disabled={busy}
          title={t("nowHint")}
          data-testid="report-send-now"
        >
          {t("now")}
        </Button>
        <Button
          variant="secondary"
          onClick={() => test.mutate({ jobId })}
          disabled={busy}
          title={t("testHint")}
          data-testid="report-send-test"
        >
          {t("test")}
        </Button>
      </div>
      <p className="text-xs text-gray-500 dark:text-gray-400">{t("testHint")}</p>
      {test.data && (
        <p
          className="text-sm text-emerald-700 dark:text-emerald-400"
          role="status"
          data-testid="report-test-sent"
        >
          {t("testSent", { to: test.data.to })}{" "}
          <Link href={`/mail/${test.data.outboxId}`} className="underline">
            {t("openMail")}
          </Link>
        </p>
      )}
      {error && (
        <p className="text-sm text-red-600 dark:text-red-400" role="alert">
          {error.message}
        </p>
      )}
    </div>
  );
}
