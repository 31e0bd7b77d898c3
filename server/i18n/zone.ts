import { env } from "../lib/env";
import type { Locale } from "./locale";

/** The server's zone: what pages show instants in for someone who has not chosen one. */
export function displayTimeZone(): string {
  return env().KAIROS_TIME_ZONE || Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

/** A reader's zone: their own setting once known, else the server's. */
export function userTimeZone(user: { timeZone?: string | null } | null | undefined): string {
  return user?.timeZone || displayTimeZone();
}

/** The instance's default language (KAIROS_LANGUAGE): mail to outside addresses, unless a job says. */
export function instanceLocale(): Locale {
  return env().KAIROS_LANGUAGE;
}
