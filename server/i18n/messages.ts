import { createTranslator } from "next-intl";
import type { Locale } from "./locale";
import adminEn from "./messages/admin/en.json";
import adminZh from "./messages/admin/zh-CN.json";
import alertsEn from "./messages/alerts/en.json";
import alertsZh from "./messages/alerts/zh-CN.json";
import backupEn from "./messages/backup/en.json";
import backupZh from "./messages/backup/zh-CN.json";
import en from "./messages/en.json";
import errorsEn from "./messages/errors/en.json";
import errorsZh from "./messages/errors/zh-CN.json";
import jobPageEn from "./messages/jobpage/en.json";
import jobPageZh from "./messages/jobpage/zh-CN.json";
import opsEn from "./messages/ops/en.json";
import opsZh from "./messages/ops/zh-CN.json";
import reportsEn from "./messages/reports/en.json";
import reportsZh from "./messages/reports/zh-CN.json";
import sitesEn from "./messages/sites/en.json";
import sitesZh from "./messages/sites/zh-CN.json";
import zhCN from "./messages/zh-CN.json";

/**
 * One catalog per language, assembled from a file per area (top-level keys must not clash),
 * so areas can grow their messages without editing one giant file.
 */
const catalogs = {
  en: {
    ...en,
    ...adminEn,
    ...alertsEn,
    ...backupEn,
    ...jobPageEn,
    ...reportsEn,
    ...errorsEn,
    ...sitesEn,
    ...opsEn,
  },
  "zh-CN": {
    ...zhCN,
    ...adminZh,
    ...alertsZh,
    ...backupZh,
    ...jobPageZh,
    ...reportsZh,
    ...errorsZh,
    ...sitesZh,
    ...opsZh,
  },
} satisfies Record<Locale, unknown>;

export type Messages = (typeof catalogs)["en"];

export function messagesFor(locale: Locale): Messages {
  return catalogs[locale] as Messages;
}

/** The same messages outside React (emails, worker): t("email.failedRun.subject", {...}). */
export function translator(locale: Locale) {
  return createTranslator({ locale, messages: catalogs[locale] as Messages });
}
