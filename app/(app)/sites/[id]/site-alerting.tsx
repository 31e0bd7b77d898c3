"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { useConfirm } from "@/app/_components/confirm";
import { fieldErrorsOf } from "@/app/_components/form-errors";
import { SubmitRow } from "@/app/_components/form-submit";
import { SubjectWebhooks } from "@/app/_components/subject-webhooks";
import { useTRPC } from "@/app/_components/trpc";
import { Alert, Badge, Button, Card, Field, Input, Select } from "@/app/_components/ui";
import { RULE_KINDS, type RuleKind } from "@/server/lib/enums";

const COUNTERS = [
  "subUsers",
  "unsubUsers",
  "totalUsers",
  "callTimes",
  "showTimes",
  "moTimes",
  "mtTimes",
] as const;
type Counter = (typeof COUNTERS)[number];
type Form = { name: string; kind: RuleKind; threshold: string; forMinutes: string; counter: Counter };
const EMPTY: Form = {
  name: "",
  kind: "cpu_idle_below",
  threshold: "10",
  forMinutes: "5",
  counter: "callTimes",
};

/** A site's threshold rules and the webhooks its notices also go to (issue 12). */
export function SiteAlerting({ siteId, canWrite }: { siteId: number; canWrite: boolean }) {
  return (
    <>
      <RulesCard siteId={siteId} canWrite={canWrite} />
      <SubjectWebhooks subject={{ kind: "site", id: siteId }} canWrite={canWrite} />
    </>
  );
}

function RulesCard({ siteId, canWrite }: { siteId: number; canWrite: boolean }) {
  const t = useTranslations("alerting.rules");
  const ts = useTranslations("sites");
  const trpc = useTRPC();
  const qc = useQueryClient();
  const rules = useQuery(trpc.alerting.rules.queryOptions({ id: siteId }));
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.alerting.rules.queryKey({ id: siteId }) });
  const [form, setForm] = useState<Form>(EMPTY);
  const [notice, setNotice] = useState<string | null>(null);
  const [dialog, ask] = useConfirm();
  const create = useMutation(
    trpc.alerting.createRule.mutationOptions({
      onSuccess: (r) => {
        setForm(EMPTY);
        setNotice(t("created", { name: r.name }));
        refresh();
      },
    }),
  );
  const update = useMutation(trpc.alerting.updateRule.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.alerting.deleteRule.mutationOptions({ onSuccess: refresh }));
  const err = fieldErrorsOf(create.error);
  const hasThreshold = form.kind !== "counter_zero";
  const describe = (r: { kind: RuleKind; threshold: number; forMinutes: number; counter: string | null }) =>
    t(`describe.${r.kind}`, {
      threshold: r.threshold,
      minutes: r.forMinutes,
      counter: r.counter ? ts(`counter.${r.counter as Counter}`) : "",
    });

  return (
    <Card title={t("title")}>
      {dialog}
      <p className="mb-3 text-sm text-gray-600 dark:text-gray-400">{t("intro")}</p>
      {notice && <Alert tone="green">{notice}</Alert>}
      {(update.error || remove.error) && <Alert>{(update.error ?? remove.error)?.message}</Alert>}
      {rules.data?.length === 0 ? (
        <p className="text-sm text-gray-500">{t("empty")}</p>
      ) : (
        <ul className="divide-y divide-gray-100 text-sm dark:divide-gray-800" data-testid="rules">
          {rules.data?.map((r) => (
            <li
              key={r.id}
              className="flex flex-col gap-2 py-2 sm:flex-row sm:items-center sm:justify-between"
            >
              <div className="min-w-0">
                <p className="font-medium">{r.name}</p>
                <p className="flex flex-wrap items-center gap-2 text-xs text-gray-600 dark:text-gray-400">
                  {describe(r)}
                  {!r.isEnabled ? (
                    <Badge>{t("disabled")}</Badge>
                  ) : r.firing ? (
                    <Badge tone="red">{t("firing", { count: r.firing })}</Badge>
                  ) : r.pending ? (
                    <Badge tone="amber">{t("pending", { count: r.pending })}</Badge>
                  ) : (
                    <Badge tone="green">{t("ok")}</Badge>
                  )}
                </p>
              </div>
              {canWrite && (
                <div className="flex gap-2">
                  <Button
                    variant="secondary"
                    disabled={update.isPending}
                    onClick={() =>
                      update.mutate({
                        id: r.id,
                        name: r.name,
                        kind: r.kind,
                        threshold: r.threshold,
                        forMinutes: r.forMinutes,
                        counter: r.counter as Counter | null,
                        isEnabled: !r.isEnabled,
                      })
                    }
                  >
                    {r.isEnabled ? t("disable") : t("enable")}
                  </Button>
                  <Button
                    variant="secondary"
                    disabled={remove.isPending}
                    onClick={async () => {
                      if (
                        await ask({ title: t("delete"), body: r.name, confirm: t("delete"), danger: true })
                      ) {
                        remove.mutate({ id: r.id });
                      }
                    }}
                  >
                    {t("delete")}
                  </Button>
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
      {canWrite && (
        <form
          className="mt-4 grid gap-3 border-t border-gray-100 pt-4 sm:grid-cols-2 dark:border-gray-800"
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate({
              siteId,
              name: form.name,
              kind: form.kind,
              threshold: hasThreshold ? Number(form.threshold) : 0,
              forMinutes: form.kind === "no_data" ? 0 : Number(form.forMinutes),
              counter: form.kind === "counter_zero" ? form.counter : null,
            });
          }}
        >
          <h3 className="text-sm font-semibold sm:col-span-2">{t("new")}</h3>
          <Field label={t("name")} htmlFor="rule-name" errors={err.name}>
            <Input
              id="rule-name"
              value={form.name}
              onChange={(e) => setForm({ ...form, name: e.target.value })}
            />
          </Field>
          <Field label={t("kind")} htmlFor="rule-kind" errors={err.kind}>
            <Select
              id="rule-kind"
              value={form.kind}
              onChange={(e) => setForm({ ...form, kind: e.target.value as RuleKind })}
            >
              {RULE_KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(`kinds.${k}`)}
                </option>
              ))}
            </Select>
          </Field>
          {hasThreshold ? (
            <Field label={t("threshold")} htmlFor="rule-threshold" errors={err.threshold}>
              <Input
                id="rule-threshold"
                type="number"
                inputMode="decimal"
                step="any"
                value={form.threshold}
                onChange={(e) => setForm({ ...form, threshold: e.target.value })}
              />
            </Field>
          ) : (
            <Field label={t("counter")} htmlFor="rule-counter" errors={err.counter}>
              <Select
                id="rule-counter"
                value={form.counter}
                onChange={(e) => setForm({ ...form, counter: e.target.value as Counter })}
              >
                {COUNTERS.map((c) => (
                  <option key={c} value={c}>
                    {ts(`counter.${c}`)}
                  </option>
                ))}
              </Select>
            </Field>
          )}
          {form.kind !== "no_data" && (
            <Field label={t("forMinutes")} htmlFor="rule-for" errors={err.forMinutes}>
              <Input
                id="rule-for"
                type="number"
                inputMode="numeric"
                min={0}
                value={form.forMinutes}
                onChange={(e) => setForm({ ...form, forMinutes: e.target.value })}
              />
            </Field>
          )}
          <SubmitRow className="sm:col-span-2" mutation={create} label={t("create")} />
        </form>
      )}
    </Card>
  );
}
