"use server";
import { AuthError, CredentialsSignin } from "next-auth";
import { signIn } from "@/server/auth";
import { ZLoginInput } from "@/server/auth/schema";
import { resolveLocale } from "@/server/i18n/request";
import { fieldErrorsFromIssues } from "@/server/lib/validation";

export type LoginState = {
  error?: "invalid" | "locked";
  fieldErrors?: Record<string, string[]>;
  login?: string;
};

/** Only same-site paths are followed after sign-in (no open redirect). */
function safeCallback(raw: FormDataEntryValue | null): string {
  const s = typeof raw === "string" ? raw : "";
  return s.startsWith("/") && !s.startsWith("//") && !s.startsWith("/\\") ? s : "/";
}

export async function loginAction(_prev: LoginState, form: FormData): Promise<LoginState> {
  const parsed = ZLoginInput.safeParse({ login: form.get("login"), password: form.get("password") });
  const login = typeof form.get("login") === "string" ? String(form.get("login")) : "";
  if (!parsed.success) {
    return { fieldErrors: fieldErrorsFromIssues(parsed.error.issues, await resolveLocale()), login };
  }
  try {
    await signIn("credentials", { ...parsed.data, redirectTo: safeCallback(form.get("callbackUrl")) });
  } catch (e) {
    // A successful sign-in throws Next's redirect; only Auth.js errors mean "refused".
    if (e instanceof AuthError) {
      return { error: e instanceof CredentialsSignin && e.code === "locked" ? "locked" : "invalid", login };
    }
    throw e;
  }
  return {};
}
