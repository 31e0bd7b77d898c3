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
import { ROLES, type Role } from "@/server/lib/enums";
import type { AppRouter } from "@/server/router";

type UserRow = inferRouterOutputs<AppRouter>["users"]["list"]["items"][number];
const SIZE = 25;

export function UsersAdmin({ meId }: { meId: number }) {
  const t = useTranslations("admin");
  const tc = useTranslations("common");
  const trpc = useTRPC();
  const { values, page, set } = useListParams(["q"] as const);
  const [q, setQ] = useState(values.q);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<UserRow | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const list = useQuery({
    ...trpc.users.list.queryOptions({ page, size: SIZE, q: values.q || undefined }),
    placeholderData: keepPreviousData,
  });

  return (
    <div className="space-y-4">
      {notice && <Alert tone="green">{notice}</Alert>}
      <div className="flex flex-col gap-2 sm:flex-row sm:justify-between">
        <form
          className="flex gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            set({ q });
          }}
        >
          <Input type="search" aria-label={tc("search")} value={q} onChange={(e) => setQ(e.target.value)} />
          <Button type="submit" variant="secondary">
            {tc("search")}
          </Button>
        </form>
        <Button
          onClick={() => {
            setEditing(null);
            setCreating(true);
          }}
        >
          {t("newUser")}
        </Button>
      </div>
      {creating && (
        <UserForm
          onDone={(username) => {
            setCreating(false);
            setNotice(username ? t("userCreated", { username }) : null);
          }}
        />
      )}
      {editing && (
        <UserForm
          key={editing.id}
          user={editing}
          isSelf={editing.id === meId}
          onDone={(username) => {
            setEditing(null);
            setNotice(username ? t("userUpdated", { username }) : null);
          }}
        />
      )}
      {list.data && list.data.items.length === 0 ? (
        <EmptyState title={t("usersEmpty")} />
      ) : list.data ? (
        <>
          <DataList
            rows={list.data.items}
            rowKey={(u) => u.id}
            columns={[
              { key: "username", header: t("username"), primary: true, cell: (u) => u.username },
              { key: "name", header: t("name"), cell: (u) => u.name || tc("none"), desktopOnly: true },
              { key: "email", header: t("email"), cell: (u) => u.email ?? tc("none") },
              {
                key: "role",
                header: t("role"),
                cell: (u) => <Badge tone="indigo">{tc(`role.${u.role}`)}</Badge>,
              },
              {
                key: "active",
                header: t("active"),
                cell: (u) => (
                  <Badge tone={u.isActive ? "green" : "gray"}>
                    {u.isActive ? t("active") : t("inactive")}
                  </Badge>
                ),
              },
              { key: "login", header: t("lastLogin"), cell: (u) => <DateTime value={u.lastLoginAt} /> },
              {
                key: "edit",
                header: tc("actions"),
                cell: (u) => (
                  <Button
                    variant="secondary"
                    onClick={() => {
                      setCreating(false);
                      setEditing(u);
                      window.scrollTo({ top: 0, behavior: "smooth" });
                    }}
                  >
                    {tc("edit")}
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

function UserForm({
  user,
  isSelf,
  onDone,
}: {
  user?: UserRow;
  isSelf?: boolean;
  onDone: (username?: string) => void;
}) {
  const t = useTranslations("admin");
  const tc = useTranslations("common");
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [form, setForm] = useState({
    username: user?.username ?? "",
    email: user?.email ?? "",
    name: user?.name ?? "",
    role: (user?.role ?? "operator") as Role,
    isActive: user?.isActive ?? true,
    password: "",
  });
  const done = (username: string) => {
    qc.invalidateQueries({ queryKey: trpc.users.list.queryKey() });
    onDone(username);
  };
  const create = useMutation(trpc.users.create.mutationOptions({ onSuccess: (u) => done(u.username) }));
  const update = useMutation(trpc.users.update.mutationOptions({ onSuccess: (u) => done(u.username) }));
  const m = user ? update : create;
  const err = fieldErrorsOf(m.error);
  const general = formErrorOf(m.error);
  const setF = <K extends keyof typeof form>(k: K, v: (typeof form)[K]) => setForm((f) => ({ ...f, [k]: v }));

  return (
    <Card title={user ? tc("labelled", { label: tc("edit"), value: user.username }) : t("createUser")}>
      <form
        className="grid gap-4 sm:grid-cols-2"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (user) {
            update.mutate({
              id: user.id,
              email: form.email,
              name: form.name,
              role: form.role,
              isActive: form.isActive,
              password: form.password || undefined,
            });
          } else {
            create.mutate({
              username: form.username,
              email: form.email,
              name: form.name,
              role: form.role,
              password: form.password,
            });
          }
        }}
      >
        {general && (
          <div className="sm:col-span-2">
            <Alert>{general}</Alert>
          </div>
        )}
        {!user && (
          <Field label={t("username")} htmlFor="u-username" errors={err.username}>
            <Input
              id="u-username"
              value={form.username}
              onChange={(e) => setF("username", e.target.value)}
              invalid={!!err.username}
              autoCapitalize="none"
            />
          </Field>
        )}
        <Field label={t("email")} htmlFor="u-email" errors={err.email}>
          <Input
            id="u-email"
            type="email"
            value={form.email}
            onChange={(e) => setF("email", e.target.value)}
            invalid={!!err.email}
          />
        </Field>
        <Field label={t("name")} htmlFor="u-name" errors={err.name}>
          <Input id="u-name" value={form.name} onChange={(e) => setF("name", e.target.value)} />
        </Field>
        <Field label={t("role")} htmlFor="u-role" errors={err.role}>
          <Select
            id="u-role"
            value={form.role}
            onChange={(e) => setF("role", e.target.value as Role)}
            invalid={!!err.role}
          >
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {tc(`role.${r}`)}
              </option>
            ))}
          </Select>
        </Field>
        <Field label={user ? t("newPassword") : t("password")} htmlFor="u-password" errors={err.password}>
          <Input
            id="u-password"
            type="password"
            autoComplete="new-password"
            value={form.password}
            onChange={(e) => setF("password", e.target.value)}
            invalid={!!err.password}
          />
        </Field>
        {user && !isSelf && (
          <Field label={t("active")} htmlFor="u-active" errors={err.isActive}>
            <Select
              id="u-active"
              value={form.isActive ? "1" : "0"}
              onChange={(e) => setF("isActive", e.target.value === "1")}
            >
              <option value="1">{t("active")}</option>
              <option value="0">{t("inactive")}</option>
            </Select>
          </Field>
        )}
        <div className="flex gap-2 sm:col-span-2">
          <Button type="submit" disabled={m.isPending}>
            {user ? tc("save") : tc("create")}
          </Button>
          <Button variant="secondary" onClick={() => onDone()}>
            {tc("cancel")}
          </Button>
        </div>
      </form>
    </Card>
  );
}
