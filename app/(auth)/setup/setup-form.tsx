"use client";
import { useTranslations } from "next-intl";
import { startTransition, useActionState } from "react";
import { Alert, Button, Field, Input } from "@/app/_components/ui";
import { type SetupState, setupAction } from "./actions";

export function SetupForm({ needsCode }: { needsCode: boolean }) {
  const t = useTranslations("setup");
  const [state, action, pending] = useActionState<SetupState, FormData>(setupAction, {});
  const err = state.fieldErrors ?? {};
  return (
    <form
      className="space-y-4"
      noValidate
      // Not action={…}: React resets a form after its action, and a refused setup would lose
      // everything typed (code, passwords included). The form keeps it; the action still runs.
      onSubmit={(e) => {
        e.preventDefault();
        const data = new FormData(e.currentTarget);
        startTransition(() => action(data));
      }}
    >
      <h1 className="text-lg font-semibold">{t("title")}</h1>
      <p className="text-sm text-gray-600 dark:text-gray-400">{t("intro")}</p>
      {state.error && <Alert>{state.error}</Alert>}
      {needsCode && (
        <Field label={t("code")} htmlFor="code" hint={t("codeHint")} errors={err.code}>
          <Input id="code" name="code" autoComplete="off" autoCapitalize="characters" invalid={!!err.code} />
        </Field>
      )}
      <Field label={t("username")} htmlFor="username" errors={err.username}>
        <Input
          id="username"
          name="username"
          autoComplete="username"
          autoCapitalize="none"
          defaultValue={state.values?.username}
          invalid={!!err.username}
        />
      </Field>
      <Field label={t("email")} htmlFor="email" errors={err.email}>
        <Input
          id="email"
          name="email"
          type="email"
          autoComplete="email"
          defaultValue={state.values?.email}
          invalid={!!err.email}
        />
      </Field>
      <Field label={t("name")} htmlFor="name" errors={err.name}>
        <Input id="name" name="name" autoComplete="name" defaultValue={state.values?.name} />
      </Field>
      <Field label={t("password")} htmlFor="password" hint={t("passwordHint")} errors={err.password}>
        <Input
          id="password"
          name="password"
          type="password"
          autoComplete="new-password"
          invalid={!!err.password}
        />
      </Field>
      <Field label={t("confirm")} htmlFor="confirm" errors={err.confirm}>
        <Input
          id="confirm"
          name="confirm"
          type="password"
          autoComplete="new-password"
          invalid={!!err.confirm}
        />
      </Field>
      <Button type="submit" className="w-full" disabled={pending}>
        {t("submit")}
      </Button>
    </form>
  );
}
