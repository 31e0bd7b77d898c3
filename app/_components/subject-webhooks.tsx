"use client";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { useTRPC } from "./trpc";
import { Alert, Badge, Button, Card } from "./ui";

/** Tick the webhooks a site's (or a job's) notices also go to. */
export function SubjectWebhooks({
  subject,
  canWrite,
}: {
  subject: { kind: "site" | "job"; id: number };
  canWrite: boolean;
}) {
  const t = useTranslations("alerting.routes");
  const tk = useTranslations("alerting.webhooks.kinds");
  const trpc = useTRPC();
  const choices = useQuery(trpc.alerting.webhookChoices.queryOptions({}));
  const routes = useQuery(trpc.alerting.routes.queryOptions(subject));
  const [picked, setPicked] = useState<number[]>([]);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (routes.data) setPicked(routes.data);
  }, [routes.data]);
  const save = useMutation(trpc.alerting.setRoutes.mutationOptions({ onSuccess: () => setSaved(true) }));
  return (
    <Card title={t("title")}>
      {!choices.data?.length ? (
        <p className="text-sm text-gray-500">{t("none")}</p>
      ) : (
        <form
          className="space-y-3"
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate({ subject, webhookIds: picked });
          }}
        >
          <p className="text-sm text-gray-600 dark:text-gray-400">{t("hint")}</p>
          <ul className="space-y-1">
            {choices.data.map((w) => (
              <li key={w.id}>
                <label className="flex min-h-11 items-center gap-2 text-sm">
                  <input
                    type="checkbox"
                    disabled={!canWrite}
                    checked={picked.includes(w.id)}
                    onChange={(e) => {
                      setSaved(false);
                      setPicked(e.target.checked ? [...picked, w.id] : picked.filter((x) => x !== w.id));
                    }}
                  />
                  {w.name} <Badge>{tk(w.kind)}</Badge>
                </label>
              </li>
            ))}
          </ul>
          {save.error && <Alert>{save.error.message}</Alert>}
          {canWrite && (
            <div className="flex items-center gap-3">
              <Button type="submit" disabled={save.isPending}>
                {t("save")}
              </Button>
              {saved && <span className="text-sm text-green-700 dark:text-green-400">{t("saved")}</span>}
            </div>
          )}
        </form>
      )}
    </Card>
  );
}
