import type { Locale } from "../i18n/locale";

const UNITS = [
  ["day", 86_400],
  ["hour", 3_600],
  ["minute", 60],
  ["second", 1],
] as const;

/**
 * A length of time in words and units, at most two of them: "4 hours", "1 day, 2 hours",
 * "4小时", "1天2小时" (Intl's unit names, so both languages read as written).
 */
export function durationWords(seconds: number, locale: Locale): string {
  let rest = Math.max(0, Math.round(seconds));
  const parts: string[] = [];
  for (const [unit, size] of UNITS) {
    if (parts.length === 2) break;
    const n = Math.floor(rest / size);
    if (n > 0 || (unit === "second" && parts.length === 0)) {
      parts.push(new Intl.NumberFormat(locale, { style: "unit", unit, unitDisplay: "long" }).format(n));
      rest -= n * size;
    } else if (parts.length) break;
  }
  return locale === "zh-CN" ? parts.join("") : parts.join(", ");
}
