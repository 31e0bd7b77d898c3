"use server";
import { cookies } from "next/headers";
import { api } from "@/app/_trpc/server";
import { signOut } from "@/server/auth";
import { currentUser } from "@/server/auth/session";
import { isLocale, LOCALE_COOKIE } from "@/server/i18n/locale";

export async function signOutAction() {
  await signOut({ redirectTo: "/login" });
}

/** Kept in a cookie (for this browser, also before sign-in) and on the user (for every device). */
export async function setLocaleAction(locale: string) {
  if (!isLocale(locale)) return { error: "unknown locale" };
  (await cookies()).set(LOCALE_COOKIE, locale, {
    path: "/",
    maxAge: 365 * 86400,
    sameSite: "lax",
    httpOnly: true,
  });
  if (await currentUser()) await api.account.setLocale({ locale });
  return { ok: true };
}
