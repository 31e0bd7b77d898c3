"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useTranslations } from "next-intl";
import { type ReactNode, useEffect, useState } from "react";
import { Icon } from "./icons";
import { isActive, type NavItem } from "./nav";
import { cx } from "./ui";

export function SidebarLinks({ items }: { items: NavItem[] }) {
  const t = useTranslations("nav");
  const pathname = usePathname();
  return (
    <ul className="space-y-1">
      {items.map((item) => {
        const active = isActive(pathname, item.href);
        return (
          <li key={item.href}>
            <Link
              href={item.href}
              aria-current={active ? "page" : undefined}
              className={cx(
                "flex min-h-11 items-center gap-3 rounded-lg px-3 text-sm font-medium",
                active
                  ? "bg-indigo-50 text-indigo-700 dark:bg-indigo-950 dark:text-indigo-200"
                  : "text-gray-700 hover:bg-gray-100 dark:text-gray-300 dark:hover:bg-gray-800",
              )}
            >
              <Icon name={item.key} />
              {t(item.key)}
            </Link>
          </li>
        );
      })}
    </ul>
  );
}

/** The phone's tab bar: four areas and "More", which opens a sheet with the rest. */
export function BottomNav({ items, sheetFooter }: { items: NavItem[]; sheetFooter: ReactNode }) {
  const t = useTranslations("nav");
  const pathname = usePathname();
  const [open, setOpen] = useState(false);
  // biome-ignore lint/correctness/useExhaustiveDependencies: close the sheet whenever the page changes
  useEffect(() => setOpen(false), [pathname]);
  const tabs = items.filter((i) => i.phoneTab);
  const rest = items.filter((i) => !i.phoneTab);
  const moreActive = rest.some((i) => isActive(pathname, i.href)) || pathname.startsWith("/account");
  const tabClass = (active: boolean) =>
    cx(
      "flex min-h-14 flex-1 flex-col items-center justify-center gap-0.5 text-[11px] font-medium",
      active ? "text-indigo-600 dark:text-indigo-300" : "text-gray-600 dark:text-gray-400",
    );
  return (
    <>
      {open && (
        <div className="fixed inset-0 z-40 md:hidden" role="dialog" aria-modal="true" aria-label={t("more")}>
          <button
            type="button"
            aria-label="close"
            className="absolute inset-0 bg-black/40"
            onClick={() => setOpen(false)}
          />
          <div className="pb-safe absolute inset-x-0 bottom-0 rounded-t-2xl bg-white p-4 shadow-xl dark:bg-gray-900">
            <div className="mx-auto mb-3 h-1 w-10 rounded-full bg-gray-300 dark:bg-gray-700" />
            <ul className="grid grid-cols-3 gap-2">
              {[...rest, { href: "/account", key: "account" as const }].map((item) => (
                <li key={item.href}>
                  <Link
                    href={item.href}
                    className={cx(
                      "flex min-h-16 flex-col items-center justify-center gap-1 rounded-xl text-xs font-medium",
                      isActive(pathname, item.href)
                        ? "bg-indigo-50 text-indigo-700 dark:bg-indigo-950 dark:text-indigo-200"
                        : "bg-gray-50 text-gray-700 active:bg-gray-100 dark:bg-gray-800 dark:text-gray-200",
                    )}
                  >
                    <Icon name={item.key} />
                    {t(item.key)}
                  </Link>
                </li>
              ))}
            </ul>
            <div className="mt-3 border-t border-gray-200 pt-2 dark:border-gray-800">{sheetFooter}</div>
          </div>
        </div>
      )}
      <nav
        aria-label="tabs"
        className="pb-safe fixed inset-x-0 bottom-0 z-30 flex border-t border-gray-200 bg-white/95 backdrop-blur md:hidden dark:border-gray-800 dark:bg-gray-900/95"
      >
        {tabs.map((item) => {
          const active = isActive(pathname, item.href);
          return (
            <Link
              key={item.href}
              href={item.href}
              aria-current={active ? "page" : undefined}
              className={tabClass(active)}
            >
              <Icon name={item.key} />
              {t(item.key)}
            </Link>
          );
        })}
        <button
          type="button"
          data-testid="nav-more"
          className={tabClass(moreActive || open)}
          onClick={() => setOpen(true)}
        >
          <Icon name="more" />
          {t("more")}
        </button>
      </nav>
    </>
  );
}
