import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { cx } from "@/app/_components/ui";

const TABS = [
  { href: "/admin/users", key: "users" },
  { href: "/admin/tokens", key: "tokens" },
  { href: "/admin/ip", key: "ipControl" },
  { href: "/admin/secrets", key: "secrets" },
  { href: "/admin/webhooks", key: "webhooks" },
  { href: "/admin/logs", key: "logs" },
  { href: "/admin/system", key: "system" },
  { href: "/admin/audit", key: "audit" },
  { href: "/admin/backup", key: "backup" },
] as const;

export async function AdminTabs({ active }: { active: (typeof TABS)[number]["key"] }) {
  const t = await getTranslations("admin");
  return (
    <nav
      className="mb-4 flex gap-1 overflow-x-auto border-b border-gray-200 dark:border-gray-800"
      aria-label="admin"
    >
      {TABS.map((tab) => (
        <Link
          key={tab.key}
          href={tab.href}
          className={cx(
            "inline-flex min-h-11 items-center border-b-2 px-3 text-sm font-medium whitespace-nowrap",
            tab.key === active
              ? "border-indigo-600 text-indigo-700 dark:text-indigo-300"
              : "border-transparent text-gray-600 hover:text-gray-900 dark:text-gray-400",
          )}
        >
          {t(tab.key)}
        </Link>
      ))}
    </nav>
  );
}
