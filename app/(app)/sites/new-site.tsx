"use client";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useTimeZone, useTranslations } from "next-intl";
import { useState } from "react";
import { fieldErrorsOf, formErrorOf } from "@/app/_components/form-errors";
import { useTRPC } from "@/app/_components/trpc";
import { Alert, Button, Card, Field, Input } from "@/app/_components/ui";

/** New site: code (the files' site_id), name, zone, and the base URL its files are pulled from. */
export function NewSite() {
  const t = useTranslations("sites");
  const trpc = useTRPC();
  const router = useRouter();
  const zone = useTimeZone() ?? "UTC";
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState({
    code: "",
    name: "",
    baseUrl: "",
    timezone: zone,
    pullCron: "*/5 * * * *",
  });
  const create = useMutation(
    trpc.sites.create.mutationOptions({ onSuccess: (site) => router.push(`/sites/${site.id}`) }),
  );
  const err = fieldErrorsOf(create.error);
  const general = formErrorOf(create.error);
  if (!open) {
    return (
      <Button variant="secondary" onClick={() => setOpen(true)} data-testid="site-new">
        {t("newSite")}
      </Button>
    );
  }
  const field = (key: keyof typeof form, label: string, hint?: string) => (
    <Field label={label} htmlFor={`site-${key}`} hint={hint} errors={err[key]}>
      <Input
        id={`site-${key}`}
        value={form[key]}
        autoCapitalize="none"
        spellCheck={false}
        invalid={!!err[key]}
        onChange={(e) => setForm((f) => ({ ...f, [key]: e.target.value }))}
      />
    </Field>
  );
  return (
    <Card title={t("newSite")} className="mb-4">
      <form
        className="grid gap-4 sm:grid-cols-2"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate({ ...form, baseUrl: form.baseUrl.trim() || null });
        }}
      >
        {general && (
          <div className="sm:col-span-2">
            <Alert>{general}</Alert>
          </div>
        )}
        {field("code", t("code"), t("codeHint"))}
        {field("name", t("name"))}
        {field("baseUrl", t("baseUrl"), t("baseUrlHint"))}
        {field("timezone", t("timezone"))}
        {field("pullCron", t("pullCron"))}
        <div className="flex items-end gap-2">
          <Button type="submit" disabled={create.isPending} data-testid="site-save">
            {t("create")}
          </Button>
          <Button variant="secondary" onClick={() => setOpen(false)}>
            {t("cancel")}
          </Button>
        </div>
      </form>
    </Card>
  );
}
