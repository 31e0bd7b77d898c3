"use client";
import { useMutation } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { fieldErrorsOf, formErrorOf } from "@/app/_components/form-errors";
import { useTRPC } from "@/app/_components/trpc";
import { Alert, Button, Card, Field, Input } from "@/app/_components/ui";

export function PasswordForm() {
  const t = useTranslations("account");
  const trpc = useTRPC();
  const [current, setCurrent] = useState("");
  const [password, setPassword] = useState("");
  const change = useMutation(trpc.account.changePassword.mutationOptions());
  const err = fieldErrorsOf(change.error);
  return (
    <Card title={t("changePassword")}>
      <form
        className="space-y-4"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          change.mutate({ current, password });
        }}
      >
        {change.isSuccess && <Alert tone="green">{t("passwordChanged")}</Alert>}
        {formErrorOf(change.error) && <Alert>{formErrorOf(change.error)}</Alert>}
        <Field label={t("currentPassword")} htmlFor="pw-current" errors={err.current}>
          <Input
            id="pw-current"
            type="password"
            autoComplete="current-password"
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
            invalid={!!err.current}
          />
        </Field>
        <Field label={t("newPassword")} htmlFor="pw-new" errors={err.password}>
          <Input
            id="pw-new"
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            invalid={!!err.password}
          />
        </Field>
        <Button type="submit" disabled={change.isPending}>
          {t("changePassword")}
        </Button>
      </form>
    </Card>
  );
}
