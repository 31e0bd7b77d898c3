import { getTranslations } from "next-intl/server";
import type { ReactNode } from "react";
import { LocaleSwitch } from "../_components/locale-switch";

export default async function AuthLayout({ children }: { children: ReactNode }) {
  const t = await getTranslations("common");
  return (
    <div className="flex min-h-full flex-col">
      <div className="flex justify-end p-2">
        <LocaleSwitch />
      </div>
      <main className="flex flex-1 items-start justify-center px-4 pt-6 pb-16 sm:items-center sm:pt-0">
        <div className="w-full max-w-sm">
          <div className="mb-6 text-center">
            <div className="text-3xl font-bold text-indigo-600 dark:text-indigo-300">Kairos</div>
            <div className="mt-1 text-sm text-gray-500 dark:text-gray-400">{t("tagline")}</div>
          </div>
          <div className="rounded-2xl bg-white p-6 shadow-sm ring-1 ring-gray-200 dark:bg-gray-900 dark:ring-gray-800">
            {children}
          </div>
        </div>
      </main>
    </div>
  );
}
