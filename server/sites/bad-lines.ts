/**
 * Bad-line reasons in words: a reason is stored as its code and values (`reason_code`,
 * `reason_params`) and rendered from the `siteBadLine` catalog in the reader's language.
 * The `reason` column keeps the English words too, for the API, logs, and rows stored before
 * codes existed (those have no code and are shown as they were written).
 */
import type { Locale } from "../i18n/locale";
import { translator } from "../i18n/messages";
import { BAD_REASON_CODES, type BadReason } from "./parse";

const translators = new Map<Locale, ReturnType<typeof translator>>();

export function badReasonText(reason: BadReason, locale: Locale): string {
  let t = translators.get(locale);
  if (!t) {
    t = translator(locale);
    translators.set(locale, t);
  }
  return t(`siteBadLine.${reason.code}`, reason.params ?? {});
}

/** A stored row's reason in `locale`: from its code when it has one, else its stored words. */
export function storedReasonText(
  row: { reason: string; reasonCode: string | null; reasonParams: unknown },
  locale: Locale,
): string {
  const code = row.reasonCode as BadReason["code"] | null;
  if (!code || !(BAD_REASON_CODES as readonly string[]).includes(code)) return row.reason;
  const params = (row.reasonParams ?? {}) as Record<string, string | number>;
  return badReasonText({ code, params }, locale);
}
