"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { fieldErrorsOf } from "@/app/_components/form-errors";
import { SubmitRow } from "@/app/_components/form-submit";
import { SecretInput } from "@/app/_components/secret-input";
import { DateTime } from "@/app/_components/time";
import { useTRPC } from "@/app/_components/trpc";
import { Alert, Button, Card, EmptyState, Field, Input } from "@/app/_components/ui";

/** Admin › Secrets: values are typed in and replaced, never shown (the server never sends them). */
export function SecretsAdmin() {
  const t = useTranslations("secrets");
  const trpc = useTRPC();
  const qc = useQueryClient();
  const list = useQuery(trpc.secrets.list.queryOptions());
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.secrets.list.queryKey() });
  const [form, setForm] = useState({ name: "", value: "", description: "" });
  const [notice, setNotice] = useState<string | null>(null);
  const [replacing, setReplacing] = useState<{ id: number; value: string } | null>(null);
  const create = useMutation(
    trpc.secrets.create.mutationOptions({
      onSuccess: (s) => {
        setForm({ name: "", value: "", description: "" });
        setNotice(t("created", { name: s.name }));
        refresh();
      },
    }),
  );
  const update = useMutation(
    trpc.secrets.update.mutationOptions({
      onSuccess: (s) => {
        setReplacing(null);
        setNotice(t("replaced", { name: s.name }));
        refresh();
      },
    }),
  );
  const remove = useMutation(
    trpc.secrets.delete.mutationOptions({
      onSuccess: () => {
        setNotice(t("deleted"));
        refresh();
      },
    }),
  );
  const err = fieldErrorsOf(create.error);

  return (
    <div className="space-y-4">
      <p className="text-sm text-gray-600 dark:text-gray-400">{t("intro", { ref: "{{secret.NAME}}" })}</p>
      {notice && <Alert tone="green">{notice}</Alert>}
      {(update.error || remove.error) && <Alert>{(update.error ?? remove.error)?.message}</Alert>}
      <Card title={t("new")}>
        <form
          className="grid gap-3 sm:grid-cols-3"
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate(form);
          }}
        >
          <Field label={t("name")} htmlFor="secret-name" hint={t("nameHint")} errors={err.name}>
            <Input
              id="secret-name"
              value={form.name}
              autoComplete="off"
              onChange={(e) => setForm({ ...form, name: e.target.value })}
            />
          </Field>
          <Field label={t("value")} htmlFor="secret-value" errors={err.value}>
            <SecretInput
              id="secret-value"
              value={form.value}
              onChange={(e) => setForm({ ...form, value: e.target.value })}
            />
          </Field>
          <Field label={t("description")} htmlFor="secret-desc" errors={err.description}>
            <Input
              id="secret-desc"
              value={form.description}
              onChange={(e) => setForm({ ...form, description: e.target.value })}
            />
          </Field>
          <SubmitRow className="sm:col-span-3" mutation={create} label={t("create")} />
        </form>
      </Card>
      {list.data && !list.data.length ? (
        <EmptyState title={t("empty")} />
      ) : (
        <ul className="divide-y divide-gray-200 rounded-xl ring-1 ring-gray-200 dark:divide-gray-800 dark:ring-gray-800">
          {list.data?.map((s) => (
            <li key={s.id} className="flex flex-col gap-2 p-3 sm:flex-row sm:items-center sm:justify-between">
              <div className="min-w-0">
                <code className="font-mono text-sm font-medium">{`{{secret.${s.name}}}`}</code>
                {s.description && <p className="text-sm text-gray-600 dark:text-gray-400">{s.description}</p>}
                <p className="text-xs text-gray-500">
                  {t("updated")} <DateTime value={s.updatedAt} /> ·{" "}
                  {s.usedBy.length ? t("usedBy", { jobs: s.usedBy.join(", ") }) : t("unused")}
                </p>
              </div>
              {replacing?.id === s.id ? (
                <form
                  className="flex gap-2"
                  onSubmit={(e) => {
                    e.preventDefault();
                    update.mutate({ id: s.id, value: replacing.value });
                  }}
                >
                  <SecretInput
                    aria-label={t("newValue")}
                    value={replacing.value}
                    onChange={(e) => setReplacing({ id: s.id, value: e.target.value })}
                  />
                  <Button type="submit" disabled={update.isPending}>
                    {t("save")}
                  </Button>
                </form>
              ) : (
                <div className="flex gap-2">
                  <Button variant="secondary" onClick={() => setReplacing({ id: s.id, value: "" })}>
                    {t("replace")}
                  </Button>
                  <Button
                    variant="secondary"
                    disabled={remove.isPending || s.usedBy.length > 0}
                    onClick={() => remove.mutate({ id: s.id })}
                  >
                    {t("delete")}
                  </Button>
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
