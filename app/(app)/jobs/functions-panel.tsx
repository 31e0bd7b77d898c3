"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import { RelativeTime } from "@/app/_components/time";
import { useTRPC } from "@/app/_components/trpc";
import { Alert, Badge, Button, Card } from "@/app/_components/ui";

/** The functions func jobs can call, as the workers last loaded them; reload on request. */
export function FunctionsPanel({ canReload }: { canReload: boolean }) {
  const t = useTranslations("jobs");
  const locale = useLocale();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const catalog = useQuery({ ...trpc.jobs.functions.queryOptions(), enabled: open });
  const reload = useMutation(
    trpc.jobs.reloadFunctions.mutationOptions({
      // Workers reload and republish within a moment; look again shortly after.
      onSuccess: () =>
        setTimeout(() => qc.invalidateQueries({ queryKey: trpc.jobs.functions.queryKey() }), 1500),
    }),
  );
  return (
    <Card
      title={
        <button
          type="button"
          className="min-h-11 text-left"
          aria-expanded={open}
          onClick={() => setOpen((o) => !o)}
        >
          {open ? "▾" : "▸"} {t("functions")}
        </button>
      }
      actions={
        open && canReload ? (
          <Button
            variant="secondary"
            onClick={() => reload.mutate()}
            disabled={reload.isPending}
            data-testid="functions-reload"
          >
            {t("reloadFunctions")}
          </Button>
        ) : null
      }
    >
      {open && catalog.data && (
        <div className="space-y-3">
          {catalog.data.errors.length > 0 && (
            <Alert>
              <div className="font-medium">{t("functionErrors")}</div>
              <ul className="mt-1 space-y-1 font-mono text-xs">
                {catalog.data.errors.map((e) => (
                  <li key={e.file}>
                    {e.file}: {e.message}
                  </li>
                ))}
              </ul>
            </Alert>
          )}
          <ul className="divide-y divide-gray-100 text-sm dark:divide-gray-800">
            {catalog.data.functions.map((f) => (
              <li key={f.name} className="flex flex-wrap items-baseline gap-x-3 gap-y-1 py-2">
                <code className="font-mono font-medium">
                  {f.name}({f.params.join(", ")})
                </code>
                <Badge tone={f.kind === "user" ? "indigo" : "gray"}>{t(`functionKind.${f.kind}`)}</Badge>
                <span className="text-gray-600 dark:text-gray-400">
                  {locale === "zh-CN" && f.descriptionZh ? f.descriptionZh : f.description}
                </span>
                {f.file && <span className="font-mono text-xs text-gray-400">{f.file}</span>}
              </li>
            ))}
          </ul>
          {catalog.data.loadedAt && (
            <p className="text-xs text-gray-500">
              {catalog.data.workerId} · <RelativeTime value={catalog.data.loadedAt} />
            </p>
          )}
        </div>
      )}
    </Card>
  );
}
