"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useConfirm } from "@/app/_components/confirm";
import { DateTime, RelativeTime } from "@/app/_components/time";
import { useTRPC } from "@/app/_components/trpc";
import { Alert, Badge, Button, Card } from "@/app/_components/ui";

/** The browsers signed in to this account, each revocable (server/auth/user-sessions.ts). */
export function SessionsCard() {
  const t = useTranslations("profile");
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [dialog, ask] = useConfirm();
  const sessions = useQuery(trpc.account.sessions.queryOptions());
  const revoke = useMutation(
    trpc.account.revokeSession.mutationOptions({
      onSuccess: () => qc.invalidateQueries({ queryKey: trpc.account.sessions.queryKey() }),
    }),
  );
  return (
    <Card title={t("sessions")} className="lg:col-span-2">
      {dialog}
      <p className="mb-3 text-sm text-gray-600 dark:text-gray-400">{t("sessionsHint")}</p>
      {revoke.isSuccess && <Alert tone="green">{t("revoked")}</Alert>}
      {revoke.error && <Alert>{revoke.error.message}</Alert>}
      <ul className="divide-y divide-gray-100 dark:divide-gray-800" data-testid="sessions">
        {sessions.data?.map((s) => (
          <li key={s.id} className="flex flex-wrap items-center justify-between gap-2 py-3">
            <div className="min-w-0 space-y-1 text-sm">
              <div className="flex flex-wrap items-center gap-2">
                <span className="font-medium">{s.ip ?? t("unknown")}</span>
                {s.isCurrent && <Badge tone="green">{t("thisSession")}</Badge>}
              </div>
              <div className="break-words text-gray-600 dark:text-gray-400">
                {s.userAgent ?? t("unknown")}
              </div>
              <div className="flex flex-wrap gap-x-3 text-gray-600 dark:text-gray-400">
                <span>
                  {t("signedIn")} <DateTime value={s.createdAt} withSeconds={false} />
                </span>
                <span>
                  {t("lastSeen")} <RelativeTime value={s.lastSeenAt} />
                </span>
              </div>
            </div>
            {!s.isCurrent && (
              <Button
                variant="secondary"
                data-testid="revoke-session"
                disabled={revoke.isPending}
                onClick={async () => {
                  const ok = await ask({
                    title: t("revokeTitle"),
                    body: t("revokeBody", { ip: s.ip ?? t("unknown") }),
                    confirm: t("revoke"),
                    danger: true,
                  });
                  if (ok) revoke.mutate({ id: s.id });
                }}
              >
                {t("revoke")}
              </Button>
            )}
          </li>
        ))}
      </ul>
      {sessions.data && sessions.data.filter((s) => !s.isCurrent).length === 0 && (
        <p className="text-sm text-gray-500">{t("noSessions")}</p>
      )}
    </Card>
  );
}
