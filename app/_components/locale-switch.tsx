"use client";
import { useRouter } from "next/navigation";
import { useLocale, useTranslations } from "next-intl";
import { useTransition } from "react";
import { setLocaleAction } from "@/app/_actions/session";
import { Icon } from "./icons";
import { cx } from "./ui";

const LABELS = { en: "English", "zh-CN": "中文" } as const;

/** One tap switches between 中文 and English; the choice is saved for the user. */
export function LocaleSwitch({ className }: { className?: string }) {
  const locale = useLocale();
  const t = useTranslations("common");
  const router = useRouter();
  const [pending, start] = useTransition();
  const other = locale === "zh-CN" ? "en" : "zh-CN";
  return (
    <button
      type="button"
      data-testid="locale-switch"
      aria-label={t("labelled", { label: t("language"), value: LABELS[other] })}
      disabled={pending}
      onClick={() =>
        start(async () => {
          await setLocaleAction(other);
          router.refresh();
        })
      }
      className={cx(
        "inline-flex min-h-11 items-center gap-2 rounded-lg px-3 text-sm text-gray-700 hover:bg-gray-100 active:bg-gray-200 dark:text-gray-200 dark:hover:bg-gray-800",
        className,
      )}
    >
      <Icon name="language" />
      <span>{LABELS[other]}</span>
    </button>
  );
}
