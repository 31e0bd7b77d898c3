"use client";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { fieldErrorsOf, formErrorOf } from "@/app/_components/form-errors";
import { useTRPC } from "@/app/_components/trpc";
import { Alert, Button, Card, Field, Input } from "@/app/_components/ui";

type Person = { id: number; username: string; name: string };
export type EditableSite = {
  id: number;
  name: string;
  baseUrl: string | null;
  timezone: string;
  pullCron: string | null;
  userIds: number[];
};

/** Edit a site: name, where its files are, its zone, the pull schedule and who manages it. */
export function EditSite({ site, people, zones }: { site: EditableSite; people: Person[]; zones: string[] }) {
  const t = useTranslations("sites");
  const trpc = useTRPC();
  const router = useRouter();
  const initial = () => ({
    name: site.name,
    baseUrl: site.baseUrl ?? "",
    timezone: site.timezone,
    pullCron: site.pullCron ?? "*/5 * * * *",
  });
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState(initial);
  const [userIds, setUserIds] = useState<number[]>(site.userIds);
  const update = useMutation(
    trpc.sites.update.mutationOptions({
      onSuccess: () => {
        setOpen(false);
        router.refresh();
      },
    }),
  );
  const err = fieldErrorsOf(update.error);
  const general = formErrorOf(update.error);
  if (!open) {
    return (
      <Button
        variant="secondary"
        onClick={() => {
          setForm(initial());
          setUserIds(site.userIds);
          update.reset();
          setOpen(true);
        }}
        data-testid="site-edit"
      >
        {t("edit")}
      </Button>
    );
  }
  const field = (key: keyof typeof form, label: string, hint?: string, list?: string) => (
    <Field label={label} htmlFor={`site-${key}`} hint={hint} errors={err[key]}>
      <Input
        id={`site-${key}`}
        value={form[key]}
        list={list}
        autoCapitalize="none"
        spellCheck={false}
        invalid={!!err[key]}
        onChange={(e) => setForm((f) => ({ ...f, [key]: e.target.value }))}
      />
    </Field>
  );
  return (
    <Card title={t("editSite")} className="mb-4">
      <form
        className="grid gap-4 sm:grid-cols-2"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          update.mutate({ id: site.id, ...form, baseUrl: form.baseUrl.trim() || null, userIds });
        }}
      >
        {general && (
          <div className="sm:col-span-2">
            <Alert>{general}</Alert>
          </div>
        )}
        {field("name", t("name"))}
        {field("baseUrl", t("baseUrl"), t("baseUrlHint"))}
        {field("timezone", t("timezone"), undefined, "site-tz-list")}
        <datalist id="site-tz-list">
          {zones.map((z) => (
            <option key={z} value={z} />
          ))}
        </datalist>
        {field("pullCron", t("pullCron"), t("pullCronHint"))}
        <fieldset className="sm:col-span-2" data-testid="site-people">
          <legend className="mb-1 text-sm font-medium">{t("people")}</legend>
          {err.userIds && <p className="mb-1 text-sm text-red-600">{err.userIds.join(" ")}</p>}
          <div className="flex max-h-48 flex-wrap gap-x-4 gap-y-2 overflow-y-auto text-sm">
            {people.map((p) => (
              <label key={p.id} className="flex min-h-8 items-center gap-2">
                <input
                  type="checkbox"
                  className="size-4"
                  checked={userIds.includes(p.id)}
                  onChange={(e) =>
                    setUserIds((ids) => (e.target.checked ? [...ids, p.id] : ids.filter((i) => i !== p.id)))
                  }
                />
                <span>
                  {p.username}
                  {p.name && <span className="text-gray-500"> · {p.name}</span>}
                </span>
              </label>
            ))}
          </div>
        </fieldset>
        <div className="flex items-end gap-2 sm:col-span-2">
          <Button type="submit" disabled={update.isPending} data-testid="site-update">
            {t("save")}
          </Button>
          <Button variant="secondary" onClick={() => setOpen(false)}>
            {t("cancel")}
          </Button>
        </div>
      </form>
    </Card>
  );
}
