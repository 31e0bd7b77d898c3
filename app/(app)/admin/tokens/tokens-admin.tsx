"use client";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { DataList } from "@/app/_components/data-list";
import { fieldErrorsOf, formErrorOf } from "@/app/_components/form-errors";
import { useListParams } from "@/app/_components/list-params";
import { Pager } from "@/app/_components/pager";
import { DateTime } from "@/app/_components/time";
import { useTRPC } from "@/app/_components/trpc";
import { Alert, Badge, Button, Card, EmptyState, Field, Input, Select } from "@/app/_components/ui";
import { ROLES, type Role, TOKEN_KINDS, type TokenKind } from "@/server/lib/enums";
import type { AppRouter } from "@/server/router";

type TokenRow = inferRouterOutputs<AppRouter>["tokens"]["list"]["items"][number];
const SIZE = 25;
const STATUS_TONE = { active: "green", expired: "amber", revoked: "gray" } as const;
const EXPIRY_DAYS = [7, 30, 90, 365] as const;
const ROLE_RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

export function TokensAdmin({ meRole }: { meRole: Role }) {
  const t = useTranslations("tokens");
  const tc = useTranslations("common");
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { values, page, set } = useListParams(["revoked"] as const);
  // Local first, so the box ticks at once; the URL follows (reloads and shared links keep it).
  const [includeRevoked, setIncludeRevoked] = useState(values.revoked === "1");
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<{ token: string; name: string } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<number | null>(null);
  const list = useQuery({
    ...trpc.tokens.list.queryOptions({ page, size: SIZE, includeRevoked }),
    placeholderData: keepPreviousData,
  });
  const revoke = useMutation(
    trpc.tokens.revoke.mutationOptions({
      onSuccess: (v) => {
        setConfirming(null);
        setNotice(t("revoked", { name: v.name }));
        qc.invalidateQueries({ queryKey: trpc.tokens.list.queryKey() });
      },
    }),
  );

  return (
    <div className="space-y-4">
      <p className="text-sm text-gray-600 dark:text-gray-400">{t("intro")}</p>
      {notice && <Alert tone="green">{notice}</Alert>}
      {revoke.error && <Alert>{revoke.error.message}</Alert>}
      {created && (
        <Card title={t("shownOnceTitle")} className="ring-2 ring-green-500 dark:ring-green-700">
          <div className="space-y-3">
            <p className="text-sm text-gray-700 dark:text-gray-300">
              {t("shownOnce", { name: created.name })}
            </p>
            <div className="flex flex-col gap-2 sm:flex-row">
              <code
                data-testid="new-token"
                className="block min-h-11 flex-1 rounded-lg bg-gray-100 px-3 py-3 font-mono text-sm break-all select-all dark:bg-gray-800"
              >
                {created.token}
              </code>
              <CopyButton text={created.token} />
            </div>
            <pre className="overflow-x-auto rounded-lg bg-gray-900 p-3 text-xs text-gray-100">
              {`export KAIROS_TOKEN='${created.token}'\ncurl -H "Authorization: Bearer $KAIROS_TOKEN" ${typeof window === "undefined" ? "" : window.location.origin}/jobs/list`}
            </pre>
            <Button variant="secondary" onClick={() => setCreated(null)}>
              {t("done")}
            </Button>
          </div>
        </Card>
      )}
      <div className="flex flex-col gap-2 sm:flex-row sm:items-center sm:justify-between">
        <label className="inline-flex min-h-11 items-center gap-2 text-sm">
          <input
            type="checkbox"
            className="size-5"
            checked={includeRevoked}
            onChange={(e) => {
              setIncludeRevoked(e.target.checked);
              set({ revoked: e.target.checked ? "1" : undefined });
            }}
          />
          {t("showRevoked")}
        </label>
        {!creating && (
          <Button
            onClick={() => {
              setCreating(true);
              setNotice(null);
            }}
          >
            {t("newToken")}
          </Button>
        )}
      </div>
      {creating && (
        <TokenForm
          meRole={meRole}
          onCancel={() => setCreating(false)}
          onCreated={(token, name) => {
            setCreating(false);
            setCreated({ token, name });
            qc.invalidateQueries({ queryKey: trpc.tokens.list.queryKey() });
          }}
        />
      )}
      {list.data && list.data.items.length === 0 ? (
        <EmptyState title={t("empty")}>{t("emptyHint")}</EmptyState>
      ) : list.data ? (
        <>
          <DataList<TokenRow>
            rows={list.data.items}
            rowKey={(r) => r.id}
            columns={[
              {
                key: "name",
                header: t("name"),
                primary: true,
                cell: (r) => <span className="font-medium">{r.name}</span>,
              },
              {
                key: "kind",
                header: t("kind"),
                cell: (r) => (
                  <span className="inline-flex flex-wrap gap-1">
                    <Badge>{r.kind === "personal" ? t("kindPersonal") : t("kindService")}</Badge>
                    <Badge tone="indigo">{tc(`role.${r.role}`)}</Badge>
                  </span>
                ),
              },
              { key: "owner", header: t("owner"), cell: (r) => r.username ?? tc("none"), desktopOnly: true },
              {
                key: "prefix",
                header: t("prefix"),
                cell: (r) => <code className="text-xs">{r.tokenPrefix}…</code>,
                desktopOnly: true,
              },
              {
                key: "expires",
                header: t("expires"),
                cell: (r) =>
                  r.expiresAt ? <DateTime value={r.expiresAt} withSeconds={false} /> : t("expiresNever"),
              },
              {
                key: "used",
                header: t("lastUsed"),
                cell: (r) =>
                  r.lastUsedAt ? (
                    <span>
                      <DateTime value={r.lastUsedAt} />
                      {r.lastUsedIp && <span className="block text-xs text-gray-500">{r.lastUsedIp}</span>}
                    </span>
                  ) : (
                    <span className="text-gray-500">{t("never")}</span>
                  ),
              },
              {
                key: "status",
                header: t("status"),
                cell: (r) => <Badge tone={STATUS_TONE[r.status]}>{t(`status_${r.status}`)}</Badge>,
              },
              {
                key: "actions",
                header: tc("actions"),
                cell: (r) =>
                  r.status === "revoked" ? null : confirming === r.id ? (
                    <span className="inline-flex flex-wrap gap-2">
                      <span className="w-full text-xs text-gray-600 dark:text-gray-400">
                        {t("revokeConfirm", { name: r.name })}
                      </span>
                      <Button
                        variant="danger"
                        disabled={revoke.isPending}
                        onClick={() => revoke.mutate({ id: r.id })}
                      >
                        {t("revoke")}
                      </Button>
                      <Button variant="secondary" onClick={() => setConfirming(null)}>
                        {tc("cancel")}
                      </Button>
                    </span>
                  ) : (
                    <Button
                      variant="secondary"
                      data-testid={`revoke-${r.id}`}
                      onClick={() => {
                        setNotice(null);
                        setConfirming(r.id);
                      }}
                    >
                      {t("revoke")}
                    </Button>
                  ),
              },
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

function CopyButton({ text }: { text: string }) {
  const t = useTranslations("tokens");
  const [copied, setCopied] = useState(false);
  return (
    <Button
      variant="secondary"
      onClick={async () => {
        try {
          await navigator.clipboard.writeText(text);
          setCopied(true);
        } catch {
          setCopied(false);
        }
      }}
    >
      {copied ? t("copied") : t("copy")}
    </Button>
  );
}

function TokenForm({
  meRole,
  onCancel,
  onCreated,
}: {
  meRole: Role;
  onCancel: () => void;
  onCreated: (token: string, name: string) => void;
}) {
  const t = useTranslations("tokens");
  const tc = useTranslations("common");
  const trpc = useTRPC();
  const [name, setName] = useState("");
  const [kind, setKind] = useState<TokenKind>("service");
  const [role, setRole] = useState<Role>("operator");
  const [expiry, setExpiry] = useState<string>("90");
  const [date, setDate] = useState("");
  const create = useMutation(
    trpc.tokens.create.mutationOptions({ onSuccess: (r) => onCreated(r.token, r.view.name) }),
  );
  const err = fieldErrorsOf(create.error);
  const general = formErrorOf(create.error);
  const roles = kind === "personal" ? ROLES.filter((r) => ROLE_RANK[r] <= ROLE_RANK[meRole]) : ROLES;

  return (
    <Card title={t("createToken")}>
      <form
        className="grid gap-4 sm:grid-cols-2"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          const expiresAt =
            expiry === "never"
              ? null
              : expiry === "date"
                ? date
                  ? new Date(`${date}T23:59:59`)
                  : new Date(Number.NaN)
                : new Date(Date.now() + Number(expiry) * 86400_000);
          create.mutate({ name, kind, role, expiresAt });
        }}
      >
        {general && (
          <div className="sm:col-span-2">
            <Alert>{general}</Alert>
          </div>
        )}
        <Field label={t("name")} htmlFor="tk-name" hint={t("nameHint")} errors={err.name}>
          <Input id="tk-name" value={name} onChange={(e) => setName(e.target.value)} invalid={!!err.name} />
        </Field>
        <Field label={t("kind")} htmlFor="tk-kind" hint={t("kindHint")} errors={err.kind ?? err.userId}>
          <Select id="tk-kind" value={kind} onChange={(e) => setKind(e.target.value as TokenKind)}>
            {TOKEN_KINDS.map((k) => (
              <option key={k} value={k}>
                {k === "personal" ? t("kindPersonal") : t("kindService")}
              </option>
            ))}
          </Select>
        </Field>
        <Field label={t("role")} htmlFor="tk-role" errors={err.role}>
          <Select
            id="tk-role"
            value={role}
            onChange={(e) => setRole(e.target.value as Role)}
            invalid={!!err.role}
          >
            {roles.map((r) => (
              <option key={r} value={r}>
                {tc(`role.${r}`)}
              </option>
            ))}
          </Select>
        </Field>
        <Field
          label={t("expires")}
          htmlFor="tk-expires"
          errors={expiry === "date" ? undefined : err.expiresAt}
        >
          <Select id="tk-expires" value={expiry} onChange={(e) => setExpiry(e.target.value)}>
            {EXPIRY_DAYS.map((d) => (
              <option key={d} value={String(d)}>
                {t("expiresDays", { days: d })}
              </option>
            ))}
            <option value="date">{t("expiresOn")}</option>
            <option value="never">{t("expiresNever")}</option>
          </Select>
        </Field>
        {expiry === "date" && (
          <Field label={t("expiresDate")} htmlFor="tk-date" errors={err.expiresAt}>
            <Input
              id="tk-date"
              type="date"
              value={date}
              onChange={(e) => setDate(e.target.value)}
              invalid={!!err.expiresAt}
            />
          </Field>
        )}
        <div className="flex gap-2 sm:col-span-2">
          <Button type="submit" disabled={create.isPending}>
            {tc("create")}
          </Button>
          <Button variant="secondary" onClick={onCancel}>
            {tc("cancel")}
          </Button>
        </div>
      </form>
    </Card>
  );
}
