"use client";
import { useTranslations } from "next-intl";
import { Badge } from "@/app/_components/ui";
import { LOG_LEVEL_NAMES, LOG_LEVELS, type LogLevelName } from "@/server/ops/schema";

export function levelName(level: number): LogLevelName {
  return [...LOG_LEVEL_NAMES].reverse().find((n) => level >= LOG_LEVELS[n]) ?? "trace";
}
const LEVEL_TONE = {
  trace: "gray",
  debug: "gray",
  info: "blue",
  warn: "amber",
  error: "red",
  fatal: "red",
} as const;

export function LevelBadge({ level }: { level: number }) {
  const t = useTranslations("logs");
  const name = levelName(level);
  return <Badge tone={LEVEL_TONE[name]}>{t(`levels.${name}`)}</Badge>;
}
