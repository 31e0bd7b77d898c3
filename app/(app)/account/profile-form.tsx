"use client";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { fieldErrorsOf, formErrorOf } from "@/app/_components/form-errors";
import { useTRPC } from "@/app/_components/trpc";
import { Alert, Button, Card, Field, Input } from "@/app/_components/ui";

export function ProfileForm({ name }: { name: string }) {
  const t = useTranslations("profile");
  const tc = useTranslations("common");
  const trpc = useTRPC();
  const router = useRouter();
  const [value, setValue] = useState(name);
  const save = useMutation(trpc.account.setName.mutationOptions({ onSuccess: () => router.refresh() }));
  const err = fieldErrorsOf(save.error);
  return (
    <Card title={t("details")}>
      <form
        className="space-y-4"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate({ name: value });
        }}
      >
        {save.isSuccess && <Alert tone="green">{t("saved")}</Alert>}
        {formErrorOf(save.error) && <Alert>{formErrorOf(save.error)}</Alert>}
        <Field label={t("name")} htmlFor="profile-name" hint={t("nameHint")} errors={err.name}>
          <Input
            id="profile-name"
            value={value}
            onChange={(e) => setValue(e.target.value)}
            invalid={!!err.name}
          />
        </Field>
        <Button type="submit" disabled={save.isPending}>
          {tc("save")}
        </Button>
      </form>
    </Card>
  );
}
