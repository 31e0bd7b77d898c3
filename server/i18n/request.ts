import { cookies, headers } from "next/headers";
import { getRequestConfig } from "next-intl/server";
import { currentUser } from "../auth/session";
import { isLocale, LOCALE_COOKIE, type Locale, negotiateLocale } from "./locale";
import { messagesFor } from "./messages";
import { displayTimeZone } from "./zone";

/** Signed in: the user's saved choice; otherwise the cookie; otherwise Accept-Language. */
export async function resolveLocale(): Promise<Locale> {
  const user = await currentUser().catch(() => null);
  if (isLocale(user?.locale)) return user.locale;
  const cookie = (await cookies()).get(LOCALE_COOKIE)?.value;
  if (isLocale(cookie)) return cookie;
  return negotiateLocale((await headers()).get("accept-language"));
}

export default getRequestConfig(async () => {
  const locale = await resolveLocale();
  return { locale, messages: messagesFor(locale), timeZone: displayTimeZone() };
});
