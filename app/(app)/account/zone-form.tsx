"use client";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { fieldErrorsOf, formErrorOf } from "@/app/_components/form-errors";
import { useTRPC } from "@/app/_components/trpc";
import { Alert, Button, Card, Field, Input } from "@/app/_components/ui";

export function ZoneForm({ current, zones }: { current: string; zones: string[] }) {
  const t = useTranslations("account");
  const trpc = useTRPC();
  const router = useRouter();
  const [zone, setZone] = useState(current);
  const [browserZone, setBrowserZone] = useState<string | null>(null);
  // Read after mount: the server cannot know the device's zone, and hydration must match.
  useEffect(() => setBrowserZone(Intl.DateTimeFormat().resolvedOptions().timeZone), []);
  const save = useMutation(trpc.account.setTimeZone.mutationOptions({ onSuccess: () => router.refresh() }));
  const err = fieldErrorsOf(save.error);
  return (
    <Card title={t("timeZone")}>
      <form
        className="space-y-4"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate({ timeZone: zone });
        }}
      >
        {save.isSuccess && <Alert tone="green">{t("timeZoneSaved")}</Alert>}
        {formErrorOf(save.error) && <Alert>{formErrorOf(save.error)}</Alert>}
        <Field label={t("timeZone")} htmlFor="account-tz" hint={t("timeZoneHint")} errors={err.timeZone}>
          <Input
            id="account-tz"
            list="account-tz-list"
            value={zone}
            onChange={(e) => setZone(e.target.value)}
            invalid={!!err.timeZone}
            autoCapitalize="none"
            autoCorrect="off"
            spellCheck={false}
          />
        </Field>
        <datalist id="account-tz-list">
          {zones.map((z) => (
            <option key={z} value={z} />
          ))}
        </datalist>
        <div className="flex flex-wrap gap-2">
          <Button type="submit" disabled={save.isPending}>
            {t("save")}
          </Button>
          {browserZone && browserZone !== zone && (
            <Button
              type="button"
              variant="secondary"
              className="whitespace-normal"
              onClick={() => setZone(browserZone)}
            >
              {t("useBrowserZone", { zone: browserZone })}
            </Button>
          )}
        </div>
      </form>
    </Card>
  );
}
