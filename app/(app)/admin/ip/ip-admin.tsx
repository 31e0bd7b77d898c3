"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { fieldErrorsOf, formErrorOf } from "@/app/_components/form-errors";
import { DateTime } from "@/app/_components/time";
import { useTRPC } from "@/app/_components/trpc";
import { Alert, Badge, Button, Card, Field, Input, Select } from "@/app/_components/ui";
import { IP_LISTS, type IpList } from "@/server/lib/enums";
import type { AppRouter } from "@/server/router";

type Rule = inferRouterOutputs<AppRouter>["ipControl"]["list"]["rules"][number];
type Pending =
  | { kind: "add"; list: IpList; value: string; note: string; message: string }
  | { kind: "remove"; list: IpList; value: string; message: string };

/** The lock-out refusal comes back as a message on the `confirm` field. */
const lockoutOf = (error: unknown) => fieldErrorsOf(error).confirm?.[0] ?? null;

export function IpAdmin() {
  const t = useTranslations("ipControl");
  const tc = useTranslations("common");
  const trpc = useTRPC();
  const qc = useQueryClient();
  const list = useQuery(trpc.ipControl.list.queryOptions());
  const [form, setForm] = useState<{ list: IpList; value: string; note: string }>({
    list: "allow",
    value: "",
    note: "",
  });
  const [pending, setPending] = useState<Pending | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<number | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.ipControl.list.queryKey() });

  const add = useMutation(
    trpc.ipControl.add.mutationOptions({
      onSuccess: (r) => {
        setPending(null);
        setNotice(t("added", { value: r.value }));
        setForm((f) => ({ ...f, value: "", note: "" }));
        refresh();
      },
      onError: (e, vars) => {
        const message = lockoutOf(e);
        if (message && !vars.confirm)
          setPending({ kind: "add", list: vars.list, value: vars.value, note: vars.note ?? "", message });
      },
    }),
  );
  const remove = useMutation(
    trpc.ipControl.remove.mutationOptions({
      onSuccess: (r) => {
        setPending(null);
        setConfirming(null);
        setNotice(t("removed", { value: r.value }));
        refresh();
      },
      onError: (e, vars) => {
        const message = lockoutOf(e);
        if (message && !vars.confirm)
          setPending({ kind: "remove", list: vars.list, value: vars.value, message });
      },
    }),
  );
  const addErr = pending ? {} : fieldErrorsOf(add.error);
  const addGeneral = pending ? null : formErrorOf(add.error);
  const rules = list.data?.rules ?? [];
  const listName = (l: IpList) => (l === "allow" ? t("allow") : t("deny"));

  return (
    <div className="space-y-4">
      <p className="text-sm text-gray-600 dark:text-gray-400">{t("intro")}</p>
      {list.data && (
        <p className="text-sm" data-testid="client-ip">
          {list.data.clientIp ? t("yourAddress", { ip: list.data.clientIp }) : t("unknownAddress")}
        </p>
      )}
      {notice && <Alert tone="green">{notice}</Alert>}
      {remove.error && !pending && <Alert>{remove.error.message}</Alert>}
      {pending && (
        <div
          role="alertdialog"
          aria-labelledby="lockout-title"
          className="space-y-3 rounded-xl bg-amber-50 p-4 ring-1 ring-amber-300 dark:bg-amber-950 dark:ring-amber-800"
        >
          <h2 id="lockout-title" className="font-semibold text-amber-900 dark:text-amber-200">
            {t("lockoutTitle")}
          </h2>
          <p className="text-sm text-amber-900 dark:text-amber-200">
            {t("lockoutBody", { message: pending.message })}
          </p>
          <div className="flex flex-wrap gap-2">
            <Button
              variant="danger"
              disabled={add.isPending || remove.isPending}
              onClick={() =>
                pending.kind === "add"
                  ? add.mutate({
                      list: pending.list,
                      value: pending.value,
                      note: pending.note,
                      confirm: true,
                    })
                  : remove.mutate({ list: pending.list, value: pending.value, confirm: true })
              }
            >
              {t("saveAnyway")}
            </Button>
            <Button variant="secondary" onClick={() => setPending(null)}>
              {tc("cancel")}
            </Button>
          </div>
        </div>
      )}
      <Card title={t("addRule")}>
        <form
          className="grid gap-4 sm:grid-cols-[10rem_1fr_1fr_auto] sm:items-start"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            setNotice(null);
            add.mutate({ ...form, confirm: false });
          }}
        >
          {addGeneral && (
            <div className="sm:col-span-4">
              <Alert>{addGeneral}</Alert>
            </div>
          )}
          <Field label={t("list")} htmlFor="ip-list">
            <Select
              id="ip-list"
              value={form.list}
              onChange={(e) => setForm((f) => ({ ...f, list: e.target.value as IpList }))}
            >
              {IP_LISTS.map((l) => (
                <option key={l} value={l}>
                  {listName(l)}
                </option>
              ))}
            </Select>
          </Field>
          <Field
            label={t("value")}
            htmlFor="ip-value"
            hint={t("valueHint")}
            errors={addErr.ip ?? addErr.value}
          >
            <Input
              id="ip-value"
              value={form.value}
              autoCapitalize="none"
              spellCheck={false}
              inputMode="url"
              onChange={(e) => setForm((f) => ({ ...f, value: e.target.value }))}
              invalid={!!(addErr.ip ?? addErr.value)}
            />
          </Field>
          <Field label={t("note")} htmlFor="ip-note" errors={addErr.note}>
            <Input
              id="ip-note"
              value={form.note}
              onChange={(e) => setForm((f) => ({ ...f, note: e.target.value }))}
            />
          </Field>
          <div className="sm:pt-6">
            <Button type="submit" disabled={add.isPending} className="w-full">
              {t("add")}
            </Button>
          </div>
        </form>
      </Card>
      <div className="grid gap-4 lg:grid-cols-2">
        {IP_LISTS.map((l) => {
          const items = rules.filter((r) => r.list === l);
          return (
            <Card key={l} title={listName(l)}>
              <p className="mb-3 text-sm text-gray-600 dark:text-gray-400">
                {l === "allow" ? t("allowHint") : t("denyHint")}
              </p>
              {items.length === 0 ? (
                <p
                  className="rounded-lg border border-dashed border-gray-300 px-3 py-4 text-center text-sm text-gray-500 dark:border-gray-700"
                  data-testid={`${l}-empty`}
                >
                  {l === "allow" ? t("allowEmpty") : t("denyEmpty")}
                </p>
              ) : (
                <ul className="divide-y divide-gray-100 dark:divide-gray-800" data-testid={`${l}-list`}>
                  {items.map((r) => (
                    <RuleRow
                      key={r.id}
                      rule={r}
                      confirming={confirming === r.id}
                      busy={remove.isPending}
                      onAsk={() => {
                        setNotice(null);
                        setConfirming(r.id);
                      }}
                      onCancel={() => setConfirming(null)}
                      onRemove={() => remove.mutate({ list: r.list, value: r.cidr, confirm: false })}
                      listLabel={listName(r.list)}
                    />
                  ))}
                </ul>
              )}
            </Card>
          );
        })}
      </div>
    </div>
  );
}

function RuleRow({
  rule,
  confirming,
  busy,
  onAsk,
  onCancel,
  onRemove,
  listLabel,
}: {
  rule: Rule;
  confirming: boolean;
  busy: boolean;
  onAsk: () => void;
  onCancel: () => void;
  onRemove: () => void;
  listLabel: string;
}) {
  const t = useTranslations("ipControl");
  const tc = useTranslations("common");
  const source = ["env", "api", "ui", "cli"].includes(rule.source)
    ? t(`source_${rule.source as "env"}`)
    : rule.source;
  return (
    <li className="flex flex-col gap-2 py-3 sm:flex-row sm:items-center sm:justify-between">
      <div className="min-w-0">
        <code className="font-mono text-sm font-semibold break-all">{rule.value}</code>
        {rule.note && <span className="ml-2 text-sm text-gray-600 dark:text-gray-400">{rule.note}</span>}
        <div className="mt-1 flex flex-wrap items-center gap-2 text-xs text-gray-500">
          <Badge>{source}</Badge>
          {rule.createdByName && <span>{rule.createdByName}</span>}
          <DateTime value={rule.createdAt} withSeconds={false} />
        </div>
      </div>
      {confirming ? (
        <div className="flex flex-wrap items-center gap-2">
          <span className="w-full text-xs text-gray-600 sm:w-auto dark:text-gray-400">
            {t("removeConfirm", { value: rule.value, list: listLabel })}
          </span>
          <Button variant="danger" disabled={busy} onClick={onRemove}>
            {t("remove")}
          </Button>
          <Button variant="secondary" onClick={onCancel}>
            {tc("cancel")}
          </Button>
        </div>
      ) : (
        <Button variant="secondary" onClick={onAsk} aria-label={`${t("remove")} ${rule.value}`}>
          {t("remove")}
        </Button>
      )}
    </li>
  );
}
