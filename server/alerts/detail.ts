import type { Locale } from "../i18n/locale";
import { translator } from "../i18n/messages";
import type { AlarmDetail } from "../lib/enums";
import { COUNTERS } from "../sites/sites";

/** A figure as a person reads it: at most one decimal, no trailing ".0". */
const figure = (v: number) => Math.round(v * 10) / 10;

/**
 * What an alarm says in its reader's language: a threshold rule's breach in catalog words
 * ("CPU idle below 10 % (now 3 %)", "CPU 空闲低于 10%（当前 3%）"), a site's own alarm its
 * file's text as written. One function for the alarm page, the mails and the webhooks.
 */
export function alarmDescription(a: { description: string; detail: AlarmDetail | null }, locale: Locale) {
  const d = a.detail;
  if (!d) return a.description;
  const t = translator(locale);
  const counter = (COUNTERS as readonly string[]).includes(d.counter ?? "")
    ? t(`sites.counter.${d.counter as (typeof COUNTERS)[number]}`)
    : (d.counter ?? "");
  return t(`alerting.alarmDetail.${d.kind}`, {
    value: figure(d.value),
    threshold: figure(d.threshold),
    counter,
  });
}
