"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { useConfirm } from "@/app/_components/confirm";
import { fieldErrorsOf } from "@/app/_components/form-errors";
import { SubmitRow } from "@/app/_components/form-submit";
import { SecretInput } from "@/app/_components/secret-input";
import { useTRPC } from "@/app/_components/trpc";
import { Alert, Badge, Button, Card, EmptyState, Field, Input, Select } from "@/app/_components/ui";
import { LOCALES } from "@/server/i18n/locale";
import { WEBHOOK_KINDS, type WebhookKind } from "@/server/lib/enums";

type Form = {
  name: string;
  kind: WebhookKind;
  url: string;
  secret: string;
  locale: (typeof LOCALES)[number];
};
const EMPTY: Form = { name: "", kind: "wecom", url: "", secret: "", locale: "zh-CN" };
const LOCALE_NAMES = { en: "English", "zh-CN": "简体中文" } as const;

/**
 * Admin › Webhooks (issue 12): robots and JSON endpoints the notification layer posts to.
 * A secret is typed in and replaced, never shown: answers only say whether one is set.
 */
export function WebhooksAdmin() {
  const t = useTranslations("alerting.webhooks");
  const trpc = useTRPC();
  const qc = useQueryClient();
  const list = useQuery(trpc.alerting.webhooks.queryOptions({}));
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.alerting.webhooks.queryKey() });
  const [form, setForm] = useState<Form>(EMPTY);
  const [editing, setEditing] = useState<number | null>(null);
  const [dropSecret, setDropSecret] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [dialog, ask] = useConfirm();
  const done = (text: string) => {
    setForm(EMPTY);
    setEditing(null);
    setDropSecret(false);
    setNotice(text);
    refresh();
  };
  const create = useMutation(
    trpc.alerting.createWebhook.mutationOptions({ onSuccess: (w) => done(t("created", { name: w.name })) }),
  );
  const update = useMutation(
    trpc.alerting.updateWebhook.mutationOptions({ onSuccess: (w) => done(t("saved", { name: w.name })) }),
  );
  const remove = useMutation(
    trpc.alerting.deleteWebhook.mutationOptions({ onSuccess: () => done(t("deleted")) }),
  );
  const pending = editing ? update : create;
  const err = fieldErrorsOf(pending.error);

  const submit = () => {
    if (editing) {
      update.mutate({
        id: editing,
        name: form.name,
        kind: form.kind,
        ...(form.url ? { url: form.url } : {}),
        locale: form.locale,
        ...(dropSecret ? { secret: "" } : form.secret ? { secret: form.secret } : {}),
      });
    } else {
      create.mutate({ ...form, secret: form.secret || undefined });
    }
  };

  return (
    <div className="space-y-4">
      {dialog}
      <p className="text-sm text-gray-600 dark:text-gray-400">{t("intro")}</p>
      {notice && <Alert tone="green">{notice}</Alert>}
      {remove.error && <Alert>{remove.error.message}</Alert>}
      <Card title={editing ? t("edit") : t("new")}>
        <form
          className="grid gap-3 sm:grid-cols-2"
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
        >
          <Field label={t("name")} htmlFor="wh-name" errors={err.name}>
            <Input
              id="wh-name"
              value={form.name}
              onChange={(e) => setForm({ ...form, name: e.target.value })}
            />
          </Field>
          <Field label={t("kind")} htmlFor="wh-kind" errors={err.kind}>
            <Select
              id="wh-kind"
              value={form.kind}
              onChange={(e) => setForm({ ...form, kind: e.target.value as WebhookKind })}
            >
              {WEBHOOK_KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(`kinds.${k}`)}
                </option>
              ))}
            </Select>
          </Field>
          <div className="sm:col-span-2">
            <Field
              label={t("url")}
              htmlFor="wh-url"
              hint={editing ? t("keepUrl") : t("urlHint")}
              errors={err.url}
            >
              <Input
                id="wh-url"
                type="url"
                inputMode="url"
                autoComplete="off"
                value={form.url}
                onChange={(e) => setForm({ ...form, url: e.target.value })}
              />
            </Field>
          </div>
          <Field
            label={t("secret")}
            htmlFor="wh-secret"
            hint={editing ? t("keepSecret") : t("secretHint")}
            errors={err.secret}
          >
            <SecretInput
              id="wh-secret"
              value={form.secret}
              disabled={dropSecret}
              onChange={(e) => setForm({ ...form, secret: e.target.value })}
            />
          </Field>
          <Field label={t("locale")} htmlFor="wh-locale" errors={err.locale}>
            <Select
              id="wh-locale"
              value={form.locale}
              onChange={(e) => setForm({ ...form, locale: e.target.value as Form["locale"] })}
            >
              {LOCALES.map((l) => (
                <option key={l} value={l}>
                  {LOCALE_NAMES[l]}
                </option>
              ))}
            </Select>
          </Field>
          {editing && (
            <label className="flex items-center gap-2 text-sm sm:col-span-2">
              <input type="checkbox" checked={dropSecret} onChange={(e) => setDropSecret(e.target.checked)} />
              {t("removeSecret")}
            </label>
          )}
          <SubmitRow
            className="flex flex-wrap gap-2 sm:col-span-2"
            mutation={pending}
            label={editing ? t("save") : t("create")}
          >
            {editing && (
              <Button variant="secondary" onClick={() => done("")}>
                {t("cancel")}
              </Button>
            )}
          </SubmitRow>
        </form>
      </Card>
      {list.data && !list.data.length ? (
        <EmptyState title={t("empty")} />
      ) : (
        <ul className="divide-y divide-gray-200 rounded-xl ring-1 ring-gray-200 dark:divide-gray-800 dark:ring-gray-800">
          {list.data?.map((w) => (
            <li key={w.id} className="flex flex-col gap-2 p-3 sm:flex-row sm:items-center sm:justify-between">
              <div className="min-w-0">
                <p className="flex flex-wrap items-center gap-2 text-sm font-medium">
                  {w.name} <Badge tone="indigo">{t(`kinds.${w.kind}`)}</Badge>
                  <Badge tone={w.hasSecret ? "green" : "gray"}>
                    {w.hasSecret ? t("secretSet") : t("noSecret")}
                  </Badge>
                </p>
                <p className="truncate font-mono text-xs text-gray-500">{w.url}</p>
              </div>
              <div className="flex gap-2">
                <Button
                  variant="secondary"
                  onClick={() => {
                    setEditing(w.id);
                    setDropSecret(false);
                    setForm({ name: w.name, kind: w.kind, url: "", secret: "", locale: w.locale });
                  }}
                >
                  {t("edit")}
                </Button>
                <Button
                  variant="secondary"
                  disabled={remove.isPending}
                  onClick={async () => {
                    if (await ask({ title: t("delete"), body: w.name, confirm: t("delete"), danger: true })) {
                      remove.mutate({ id: w.id });
                    }
                  }}
                >
                  {t("delete")}
                </Button>
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
