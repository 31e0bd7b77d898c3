"use server";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { signIn } from "@/server/auth";
import { ZSetupInput } from "@/server/auth/schema";
import { completeSetup } from "@/server/auth/setup-code";
import { localizedMessage } from "@/server/i18n/errors";
import { resolveLocale } from "@/server/i18n/request";
import { DomainError } from "@/server/lib/errors";
import { fieldErrorsFromIssues } from "@/server/lib/validation";
import { requestAddress } from "@/server/net/client-address";

export type SetupState = {
  fieldErrors?: Record<string, string[]>;
  error?: string;
  values?: Record<string, string>;
};

export async function setupAction(_prev: SetupState, form: FormData): Promise<SetupState> {
  const raw = Object.fromEntries(
    ["username", "email", "name", "password", "confirm"].map((k) => [k, String(form.get(k) ?? "")]),
  );
  const values = { username: raw.username ?? "", email: raw.email ?? "", name: raw.name ?? "" };
  const parsed = ZSetupInput.safeParse(raw);
  if (!parsed.success) {
    return { fieldErrors: fieldErrorsFromIssues(parsed.error.issues, await resolveLocale()), values };
  }
  try {
    await completeSetup(parsed.data, requestAddress(await headers()), String(form.get("code") ?? ""));
  } catch (e) {
    if (e instanceof DomainError && e.code === "PRECONDITION_FAILED") redirect("/login");
    if (e instanceof DomainError && e.field === "code") {
      return { fieldErrors: { code: [(await getTranslations("setup"))("codeWrong")] }, values };
    }
    if (e instanceof DomainError) {
      const text = localizedMessage(e, await resolveLocale());
      return e.field ? { fieldErrors: { [e.field]: [text] }, values } : { error: text, values };
    }
    throw e;
  }
  await signIn("credentials", {
    login: parsed.data.username,
    password: parsed.data.password,
    redirectTo: "/",
  });
  return {};
}
