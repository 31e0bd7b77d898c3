"use client";
import { useTranslations } from "next-intl";
import { useActionState } from "react";
import { Alert, Button, Field, Input } from "@/app/_components/ui";
import { type LoginState, loginAction } from "./actions";

export function LoginForm({ callbackUrl }: { callbackUrl: string }) {
  const t = useTranslations("auth");
  const [state, action, pending] = useActionState<LoginState, FormData>(loginAction, {});
  return (
    <form action={action} className="space-y-4" noValidate>
      <h1 className="text-lg font-semibold">{t("title")}</h1>
      {state.error && <Alert>{t(state.error)}</Alert>}
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <Field label={t("login")} htmlFor="login" errors={state.fieldErrors?.login}>
        <Input
          id="login"
          name="login"
          autoComplete="username"
          autoCapitalize="none"
          required
          defaultValue={state.login}
          invalid={!!state.fieldErrors?.login}
        />
      </Field>
      <Field label={t("password")} htmlFor="password" errors={state.fieldErrors?.password}>
        <Input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          invalid={!!state.fieldErrors?.password}
        />
      </Field>
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? t("submitting") : t("submit")}
      </Button>
    </form>
  );
}
