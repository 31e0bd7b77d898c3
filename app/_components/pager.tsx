"use client";
import { useTranslations } from "next-intl";
import { Button } from "./ui";

export function Pager({
  page,
  size,
  total,
  onPage,
}: {
  page: number;
  size: number;
  total: number;
  onPage: (page: number) => void;
}) {
  const t = useTranslations("common");
  const pages = Math.max(1, Math.ceil(total / size));
  return (
    <nav className="mt-4 flex items-center justify-between gap-3 text-sm" aria-label="pagination">
      <span className="text-gray-600 dark:text-gray-400">
        {t("total", { count: total })} · {t("pageOf", { page, pages })}
      </span>
      <div className="flex gap-2">
        <Button variant="secondary" disabled={page <= 1} onClick={() => onPage(page - 1)}>
          {t("previous")}
        </Button>
        <Button variant="secondary" disabled={page >= pages} onClick={() => onPage(page + 1)}>
          {t("next")}
        </Button>
      </div>
    </nav>
  );
}
