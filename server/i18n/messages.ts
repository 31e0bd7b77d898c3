import { createTranslator } from "next-intl";
import type { Locale } from "./locale";
import en from "./messages/en.json";
import zhCN from "./messages/zh-CN.json";

export type Messages = typeof en;
const catalogs: Record<Locale, Messages> = { en, "zh-CN": zhCN };

export function messagesFor(locale: Locale): Messages {
  return catalogs[locale];
}

/** The same messages outside React (emails, worker): t("email.failedRun.subject", {...}). */
export function translator(locale: Locale) {
  return createTranslator({ locale, messages: catalogs[locale] });
}
