"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { fieldErrorsOf, formErrorOf } from "@/app/_components/form-errors";
import { useTRPC } from "@/app/_components/trpc";
import { Button, Input } from "@/app/_components/ui";

/** How many days the logs or the audit rows are kept (settings; pruned hourly by the worker). */
export function RetentionForm({ kind }: { kind: "logs" | "audit" }) {
  const t = useTranslations(kind);
  const tc = useTranslations("common");
  const trpc = useTRPC();
  const qc = useQueryClient();
  const current = useQuery(trpc.ops.retention.queryOptions());
  const [days, setDays] = useState("");
  useEffect(() => {
    if (current.data) setDays(String(current.data[kind]));
  }, [current.data, kind]);
  const save = useMutation(
    trpc.ops.setRetention.mutationOptions({
      onSuccess: () => qc.invalidateQueries({ queryKey: trpc.ops.retention.queryKey() }),
    }),
  );
  const err = fieldErrorsOf(save.error).days?.[0] ?? formErrorOf(save.error);
  return (
    <form
      className="flex flex-wrap items-center gap-2 text-sm"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate({ kind, days: Number(days) });
      }}
    >
      <label htmlFor={`retention-${kind}`} className="text-gray-600 dark:text-gray-400">
        {t("retention")}
      </label>
      {/* Its own narrow box: the shared control is full width. */}
      <div className="w-20">
        <Input
          id={`retention-${kind}`}
          inputMode="numeric"
          value={days}
          invalid={!!err}
          onChange={(e) => setDays(e.target.value)}
        />
      </div>
      <span className="text-gray-600 dark:text-gray-400">{t("retentionDays")}</span>
      <Button type="submit" variant="secondary" disabled={save.isPending}>
        {tc("save")}
      </Button>
      {save.isSuccess && !save.isPending && <span className="text-green-700">{t("retentionSaved")}</span>}
      {err && <span className="text-red-700">{err}</span>}
    </form>
  );
}
