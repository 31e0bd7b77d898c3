import { sql } from "drizzle-orm";
import type { DbOrTx } from "../db/client";
import { isLocale, type Locale } from "../i18n/locale";

export type RecipientGroup = { locale: Locale; timeZone: string; to: string[] };

/**
 * Addresses grouped by the language and zone their mail is written in: a Kairos user's own
 * settings, `fallback` for outside addresses (issue 10). One mail per group, so nobody reads
 * another person's language.
 */
export async function recipientGroups(
  db: DbOrTx,
  addresses: readonly string[],
  fallback: { locale: Locale; timeZone: string },
): Promise<RecipientGroup[]> {
  if (!addresses.length) return [];
  const rows = await db.execute<{ email: string; locale: string | null; time_zone: string | null }>(
    sql`select lower(email) as email, locale, time_zone from users
        where is_active and lower(email) = any(${sql.param(addresses.map((a) => a.toLowerCase()))}::text[])`,
  );
  const byEmail = new Map(rows.map((r) => [r.email, r]));
  const groups = new Map<string, RecipientGroup>();
  for (const address of addresses) {
    const u = byEmail.get(address.toLowerCase());
    const locale = isLocale(u?.locale) ? u.locale : fallback.locale;
    const timeZone = u?.time_zone || fallback.timeZone;
    const key = `${locale} ${timeZone}`;
    const g = groups.get(key) ?? { locale, timeZone, to: [] };
    g.to.push(address);
    groups.set(key, g);
  }
  return [...groups.values()];
}
