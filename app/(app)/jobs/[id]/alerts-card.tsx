"use client";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useLocale, useTranslations } from "next-intl";
import { DateTime } from "@/app/_components/time";
import { useTRPC } from "@/app/_components/trpc";
import { Badge, Button, Card } from "@/app/_components/ui";
import type { Locale } from "@/server/i18n/locale";
import type { AlertState } from "@/server/notify/state";
import { durationWords } from "@/server/notify/words";

/** The job's alert state (server/notify): open incident, reminders, who is told, mute. */
export function AlertsCard({
  jobId,
  state,
  remindSeconds,
  to,
  canWrite,
}: {
  jobId: number;
  state: AlertState;
  remindSeconds: number;
  to: string[];
  canWrite: boolean;
}) {
  const t = useTranslations("alerts.state");
  const locale = useLocale() as Locale;
  const trpc = useTRPC();
  const router = useRouter();
  const mute = useMutation(trpc.alerts.mute.mutationOptions({ onSuccess: () => router.refresh() }));
  const subject = { kind: "job" as const, id: jobId };
  const muted = state.mutedUntilRecovered || state.mutedUntil;
  return (
    <Card title={t("title")}>
      <div className="space-y-2 text-sm" data-testid="job-alerts">
        {state.status === "failing" && state.failingSince ? (
          <p className="flex flex-wrap items-center gap-2">
            <Badge tone="red">{t("failing")}</Badge>
            <span>
              {t.rich("failingSince", {
                count: state.failures,
                time: () => <DateTime value={state.failingSince} withSeconds={false} />,
              })}
            </span>
          </p>
        ) : (
          <p>
            <Badge tone="green">{t("ok")}</Badge>
          </p>
        )}
        <p className="text-gray-600 dark:text-gray-400">
          {remindSeconds > 0
            ? t("remindEvery", { every: durationWords(remindSeconds, locale) })
            : t("noReminders")}
        </p>
        <p className="min-w-0 break-words text-gray-600 dark:text-gray-400">
          {to.length ? t("routes", { to: to.join(", ") }) : t("noRoutes")}
        </p>
        {muted && (
          <p data-testid="job-alerts-muted">
            <Badge tone="amber">
              {state.mutedUntilRecovered
                ? t("mutedIncident")
                : t.rich("muted", { time: () => <DateTime value={state.mutedUntil} withSeconds={false} /> })}
            </Badge>
          </p>
        )}
        {canWrite && (
          <div className="flex flex-wrap gap-2 pt-1">
            {muted ? (
              <Button
                variant="secondary"
                disabled={mute.isPending}
                onClick={() => mute.mutate({ subject, mute: { off: true } })}
              >
                {t("unmute")}
              </Button>
            ) : (
              <>
                <Button
                  variant="secondary"
                  disabled={mute.isPending}
                  onClick={() => mute.mutate({ subject, mute: { hours: 1 } })}
                >
                  {t("mute1h")}
                </Button>
                <Button
                  variant="secondary"
                  disabled={mute.isPending}
                  onClick={() => mute.mutate({ subject, mute: { hours: 24 } })}
                >
                  {t("mute1d")}
                </Button>
                {state.status === "failing" && (
                  <Button
                    variant="secondary"
                    disabled={mute.isPending}
                    onClick={() => mute.mutate({ subject, mute: { untilRecovered: true } })}
                    data-testid="job-alerts-mute-incident"
                  >
                    {t("muteIncident")}
                  </Button>
                )}
              </>
            )}
          </div>
        )}
        {mute.error && <p className="text-red-600">{mute.error.message}</p>}
      </div>
    </Card>
  );
}
