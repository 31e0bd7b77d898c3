import Link from "next/link";
import { getTranslations } from "next-intl/server";
import type { ReactNode } from "react";
import { can } from "@/server/auth/permissions";
import type { PublicUser } from "@/server/auth/users";
import { LocaleSwitch } from "./locale-switch";
import { NAV } from "./nav";
import { BottomNav, SidebarLinks } from "./nav-links";
import { SignOutButton } from "./sign-out";
import { Badge } from "./ui";
import { ZoneSync } from "./zone-sync";

/** The signed-in frame: sidebar from 768 px up; top bar and bottom tabs on phones. */
export async function Shell({ user, children }: { user: PublicUser; children: ReactNode }) {
  const t = await getTranslations("common");
  const items = NAV.filter((i) => !i.permission || can(user.role, i.permission));
  const who = (
    <Link
      href="/account"
      className="block min-h-11 rounded-lg px-3 py-2 hover:bg-gray-100 dark:hover:bg-gray-800"
    >
      <div className="truncate text-sm font-medium" data-testid="current-user">
        {user.name || user.username}
      </div>
      <Badge tone="indigo">{t(`role.${user.role}`)}</Badge>
    </Link>
  );
  return (
    <div className="min-h-full">
      <ZoneSync hasZone={!!user.timeZone} />
      <aside className="fixed inset-y-0 left-0 z-20 hidden w-60 flex-col border-r border-gray-200 bg-white md:flex dark:border-gray-800 dark:bg-gray-900">
        <Link
          href="/"
          className="flex h-16 items-center gap-2 px-5 text-lg font-bold text-indigo-600 dark:text-indigo-300"
        >
          Kairos
        </Link>
        <nav className="flex-1 overflow-y-auto px-3" aria-label="main">
          <SidebarLinks items={items} />
        </nav>
        <div className="space-y-1 border-t border-gray-200 p-3 dark:border-gray-800">
          {who}
          <LocaleSwitch className="w-full" />
          <SignOutButton />
        </div>
      </aside>
      <header className="sticky top-0 z-20 flex h-14 items-center justify-between border-b border-gray-200 bg-white/95 px-4 backdrop-blur md:hidden dark:border-gray-800 dark:bg-gray-900/95">
        <Link href="/" className="text-lg font-bold text-indigo-600 dark:text-indigo-300">
          Kairos
        </Link>
        <LocaleSwitch />
      </header>
      <main className="px-4 pt-4 pb-28 sm:px-6 md:ml-60 md:pt-8 md:pb-10 lg:px-10">
        <div className="mx-auto max-w-6xl">{children}</div>
      </main>
      <BottomNav
        items={items}
        sheetFooter={
          <div className="space-y-1">
            {who}
            <SignOutButton />
          </div>
        }
      />
    </div>
  );
}
