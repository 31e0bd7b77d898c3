import { cookies, headers } from "next/headers";
import { getRequestConfig } from "next-intl/server";
import { currentUser } from "../auth/session";
import { isLocale, LOCALE_COOKIE, type Locale, negotiateLocale } from "./locale";
import { messagesFor } from "./messages";
import { userTimeZone } from "./zone";

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
  const user = await currentUser().catch(() => null);
  // `now` travels to the browser with the page, so relative times render the same text on the
  // server and in hydration (React #418 otherwise), then tick from there.
  return { locale, messages: messagesFor(locale), timeZone: userTimeZone(user), now: new Date() };
});
