"use client";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { FilterBar } from "@/app/_components/filter-bar";
import { useListParams } from "@/app/_components/list-params";
import { Pager } from "@/app/_components/pager";
import { DateTime } from "@/app/_components/time";
import { useTRPC } from "@/app/_components/trpc";
import { Alert, Badge, Button, EmptyState } from "@/app/_components/ui";
import { AUDIT_ACTIONS, AUDIT_AREAS, type AuditAction } from "@/server/lib/enums";
import { diffRecords } from "@/server/ops/diff";
import type { AppRouter } from "@/server/router";
import { RetentionForm } from "../retention-form";
import { TimeRange } from "../time-range";

type AuditRow = inferRouterOutputs<AppRouter>["ops"]["audit"]["items"][number];
const SIZE = 25;
const KEYS = ["actor", "area", "action", "from", "to"] as const;
const actionKey = (a: string) => a.replace(/[.+]/g, "_");
const KNOWN = new Set<string>(AUDIT_ACTIONS);

export function AuditView() {
  const t = useTranslations("audit");
  const trpc = useTRPC();
  const { values, page, set } = useListParams(KEYS);
  const list = useQuery({
    ...trpc.ops.audit.queryOptions({
      actor: values.actor || undefined,
      area: values.area || undefined,
      action: (values.action || undefined) as AuditAction | undefined,
      from: values.from || undefined,
      to: values.to || undefined,
      page,
      size: SIZE,
    }),
    placeholderData: keepPreviousData,
  });
  const retention = useQuery(trpc.ops.retention.queryOptions());
  const actionLabel = (a: string) => (KNOWN.has(a) ? t(`actions.${actionKey(a)}`) : a);
  const actions = AUDIT_ACTIONS.filter((a) => !values.area || a.startsWith(`${values.area}.`));
  return (
    <div className="space-y-4">
      <div className="flex flex-col gap-2 lg:flex-row lg:items-center lg:justify-between">
        <p className="text-sm text-gray-600 dark:text-gray-400">
          {retention.data ? t("intro", { days: retention.data.audit }) : "\u00a0"}
        </p>
        <RetentionForm kind="audit" />
      </div>
      <FilterBar
        filters={[
          { kind: "search", key: "actor", label: t("actor"), placeholder: t("actorPlaceholder") },
          {
            kind: "select",
            key: "area",
            label: t("area"),
            options: AUDIT_AREAS.map((a) => ({ value: a, label: t(`areas.${a}`) })),
          },
          {
            kind: "select",
            key: "action",
            label: t("action"),
            options: actions.map((a) => ({ value: a, label: actionLabel(a) })),
          },
        ]}
        values={values}
        onChange={(patch) => set(patch.area !== undefined ? { ...patch, action: undefined } : patch)}
      />
      <TimeRange ns="audit" from={values.from} to={values.to} onChange={set} />
      {list.error && <Alert>{list.error.message}</Alert>}
      {list.data && list.data.items.length === 0 ? (
        <EmptyState title={t("empty")} />
      ) : list.data ? (
        <>
          <ul className="space-y-2">
            {list.data.items.map((r) => (
              <AuditItem key={r.id} row={r} label={actionLabel(r.action)} />
            ))}
          </ul>
          <Pager page={page} size={SIZE} total={list.data.total} onPage={(p) => set({ page: p })} />
        </>
      ) : null}
    </div>
  );
}

function show(v: unknown): string {
  if (v === undefined) return "";
  return typeof v === "string" ? v : JSON.stringify(v);
}

function AuditItem({ row, label }: { row: AuditRow; label: string }) {
  const t = useTranslations("audit");
  const [open, setOpen] = useState(false);
  const [raw, setRaw] = useState(false);
  const diff = open ? diffRecords(row.before, row.after) : [];
  return (
    <li
      data-testid="audit-row"
      className="rounded-xl bg-white p-3 shadow-sm ring-1 ring-gray-200 sm:p-4 dark:bg-gray-900 dark:ring-gray-800"
    >
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div className="min-w-0 space-y-1">
          <div className="flex flex-wrap items-center gap-2">
            <span className="font-medium">{label}</span>
            <Badge>{row.action}</Badge>
            <span className="text-sm break-all text-gray-600 dark:text-gray-400">
              {row.entityType}
              {row.entityId ? ` #${row.entityId}` : ""}
            </span>
          </div>
          <div className="flex flex-wrap gap-x-3 text-sm text-gray-600 dark:text-gray-400">
            <span>
              {t("actor")}: <span className="text-gray-900 dark:text-gray-100">{row.actorName}</span>
            </span>
            <span>
              {t("address")}: {row.ip ?? "—"}
            </span>
            <DateTime value={row.at} />
          </div>
        </div>
        {(row.before != null || row.after != null) && (
          <Button variant="secondary" onClick={() => setOpen(!open)} aria-expanded={open}>
            {open ? t("hideDetails") : t("details")}
          </Button>
        )}
      </div>
      {open && (
        <div className="mt-3 space-y-2" data-testid="audit-diff">
          {diff.length === 0 ? (
            <p className="text-sm text-gray-500">{t("noChanges")}</p>
          ) : (
            <div className="overflow-x-auto">
              <table className="w-full text-sm">
                <thead>
                  <tr className="text-left text-gray-500">
                    <th className="py-1 pr-3 font-medium">{t("field")}</th>
                    <th className="py-1 pr-3 font-medium">{t("before")}</th>
                    <th className="py-1 font-medium">{t("after")}</th>
                  </tr>
                </thead>
                <tbody className="align-top">
                  {diff.map((d) => (
                    <tr key={d.path} className="border-t border-gray-100 dark:border-gray-800">
                      <td className="py-1 pr-3 font-mono text-xs break-all">
                        {d.path || "·"} <span className="text-gray-400">({t(d.kind)})</span>
                      </td>
                      <td className="bg-red-50 px-2 py-1 font-mono text-xs break-all text-red-900 dark:bg-red-950/40 dark:text-red-200">
                        {show(d.before)}
                      </td>
                      <td className="bg-green-50 px-2 py-1 font-mono text-xs break-all text-green-900 dark:bg-green-950/40 dark:text-green-200">
                        {show(d.after)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <Button variant="ghost" onClick={() => setRaw(!raw)}>
            {t("raw")}
          </Button>
          {raw && (
            <pre className="overflow-x-auto rounded-lg bg-gray-900 p-3 text-xs whitespace-pre-wrap break-all text-gray-100">
              {JSON.stringify({ before: row.before, after: row.after }, null, 2)}
            </pre>
          )}
        </div>
      )}
    </li>
  );
}
