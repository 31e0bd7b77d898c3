"use client";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import { Clip } from "@/app/_components/clip";
import { DataList } from "@/app/_components/data-list";
import { FilterBar } from "@/app/_components/filter-bar";
import { fieldErrorsOf, formErrorOf } from "@/app/_components/form-errors";
import { useListParams } from "@/app/_components/list-params";
import { Pager } from "@/app/_components/pager";
import { DateTime } from "@/app/_components/time";
import { useTRPC } from "@/app/_components/trpc";
import { Alert, Button, Card, EmptyState, Field, Input } from "@/app/_components/ui";
import { OUTBOX_STATUSES, type OutboxStatus } from "@/server/lib/enums";
import { MailStatusBadge } from "./status-badge";

const SIZE = 25;

export function MailList({
  canSend,
  transport,
  defaultTo,
}: {
  canSend: boolean;
  transport: string;
  defaultTo: string;
}) {
  const t = useTranslations("mail");
  const tc = useTranslations("common");
  const trpc = useTRPC();
  const { values, page, set } = useListParams(["status", "q"] as const);
  const status = (OUTBOX_STATUSES as readonly string[]).includes(values.status)
    ? (values.status as OutboxStatus)
    : undefined;
  const list = useQuery({
    ...trpc.mail.list.queryOptions(
      { page, size: SIZE, status, q: values.q || undefined },
      { refetchInterval: 5_000 },
    ),
    placeholderData: keepPreviousData,
  });
  const filtered = !!(status || values.q);

  return (
    <div className="space-y-4">
      {transport === "none" && <Alert tone="amber">{t("keptNotice")}</Alert>}
      {canSend && <SendTest defaultTo={defaultTo} />}
      <FilterBar
        values={{ status: status ?? "", q: values.q }}
        onChange={set}
        filters={[
          { kind: "search", key: "q", label: tc("search"), placeholder: t("searchPlaceholder") },
          {
            kind: "select",
            key: "status",
            label: t("status"),
            options: OUTBOX_STATUSES.map((s) => ({ value: s, label: t(`statusName.${s}`) })),
          },
        ]}
      />
      {list.error && <Alert>{tc("error", { message: list.error.message })}</Alert>}
      {list.data && list.data.items.length === 0 ? (
        <EmptyState title={filtered ? t("emptyFiltered") : t("title")}>
          {filtered ? null : t("empty")}
        </EmptyState>
      ) : list.data ? (
        <>
          <DataList
            rows={list.data.items}
            rowKey={(m) => m.id}
            rowHref={(m) => `/mail/${m.id}`}
            columns={[
              {
                key: "subject",
                header: t("subject"),
                primary: true,
                cell: (m) => <Clip text={m.subject} tap={false} className="max-w-[20rem]" />,
              },
              {
                key: "to",
                header: t("to"),
                cell: (m) => <Clip text={m.to.join(", ")} className="max-w-[14rem]" />,
              },
              { key: "status", header: t("status"), cell: (m) => <MailStatusBadge status={m.status} /> },
              { key: "attempts", header: t("attempts"), cell: (m) => m.attempts, desktopOnly: true },
              {
                key: "kind",
                header: t("kind"),
                cell: (m) => (t.has(`kindName.${m.kind}`) ? t(`kindName.${m.kind}` as never) : m.kind),
                desktopOnly: true,
              },
              { key: "created", header: t("created"), cell: (m) => <DateTime value={m.createdAt} /> },
            ]}
          />
          <Pager page={page} size={SIZE} total={list.data.total} onPage={(p) => set({ page: p })} />
        </>
      ) : (
        <p className="text-sm text-gray-500">{tc("loading")}</p>
      )}
    </div>
  );
}

function SendTest({ defaultTo }: { defaultTo: string }) {
  const t = useTranslations("mail");
  const locale = useLocale();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [to, setTo] = useState(defaultTo);
  const send = useMutation(
    trpc.mail.sendTest.mutationOptions({
      onSuccess: () => qc.invalidateQueries({ queryKey: trpc.mail.list.queryKey() }),
    }),
  );
  const errors = fieldErrorsOf(send.error);
  return (
    <Card title={t("sendTest")}>
      <form
        className="flex flex-col gap-3 sm:flex-row sm:items-start"
        onSubmit={(e) => {
          e.preventDefault();
          send.mutate({ to, locale: locale === "zh-CN" ? "zh-CN" : "en" });
        }}
      >
        <div className="flex-1">
          <Field label={t("testTo")} htmlFor="test-to" errors={errors.to}>
            <Input id="test-to" value={to} onChange={(e) => setTo(e.target.value)} invalid={!!errors.to} />
          </Field>
        </div>
        <Button type="submit" disabled={send.isPending} className="sm:mt-6">
          {t("sendTest")}
        </Button>
      </form>
      {send.isSuccess && (
        <div className="mt-3">
          <Alert tone="green">{t("testSent")}</Alert>
        </div>
      )}
      {formErrorOf(send.error) && (
        <div className="mt-3">
          <Alert>{formErrorOf(send.error)}</Alert>
        </div>
      )}
    </Card>
  );
}
