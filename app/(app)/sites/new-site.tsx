"use client";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useTimeZone, useTranslations } from "next-intl";
import { useState } from "react";
import { fieldErrorsOf, formErrorOf } from "@/app/_components/form-errors";
import { useTRPC } from "@/app/_components/trpc";
import { Button, Field, Input } from "@/app/_components/ui";
import { type SiteAlarmDefaults, SiteFields, SiteFormCard, siteFormOf, siteInputOf } from "./site-fields";

/** New site: code (the files' site_id), then the fields it shares with the edit form. */
export function NewSite({ zones, defaults }: { zones: string[]; defaults: SiteAlarmDefaults }) {
  const t = useTranslations("sites");
  const trpc = useTRPC();
  const router = useRouter();
  const zone = useTimeZone() ?? "UTC";
  const [open, setOpen] = useState(false);
  const [code, setCode] = useState("");
  const [form, setForm] = useState(() =>
    siteFormOf({
      name: "",
      baseUrl: null,
      timezone: zone,
      pullCron: null,
      alarmGroupWaitSeconds: null,
      alarmRemindSeconds: null,
    }),
  );
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
  return (
    <SiteFormCard
      title={t("newSite")}
      onSubmit={() => create.mutate({ code, ...siteInputOf(form) })}
      error={general}
      pending={create.isPending}
      submit={t("create")}
      submitTestId="site-save"
      onCancel={() => setOpen(false)}
    >
      <Field label={t("code")} htmlFor="site-code" hint={t("codeHint")} errors={err.code}>
        <Input
          id="site-code"
          value={code}
          autoCapitalize="none"
          spellCheck={false}
          invalid={!!err.code}
          onChange={(e) => setCode(e.target.value)}
        />
      </Field>
      <SiteFields form={form} setForm={setForm} errors={err} zones={zones} defaults={defaults} />
    </SiteFormCard>
  );
}
