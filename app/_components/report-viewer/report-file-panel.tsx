"use client";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { cx, formatBytes } from "@/app/_components/ui";
import { ReportViewer, type ViewerSource } from "./report-viewer";

const VIEWABLE = /\.(csv|tsv|xlsx|xlsm)$/i;

/**
 * One report file: its name, size and download link, and (CSV / XLSX) its tables in the page
 * when opened. A closed panel reads nothing from the server.
 */
export function ReportFilePanel({
  name,
  size,
  href,
  source,
  defaultOpen = false,
}: {
  name: string;
  size: number;
  href: string;
  source: ViewerSource;
  defaultOpen?: boolean;
}) {
  const t = useTranslations("reports.share");
  const tv = useTranslations("reports.viewer");
  const viewable = VIEWABLE.test(name);
  const [open, setOpen] = useState(defaultOpen && viewable);
  return (
    <li className="py-2" data-testid="report-file">
      <div className="flex items-center gap-2">
        <span className="min-w-0 flex-1 text-sm break-all">{name}</span>
        <span className="shrink-0 text-xs text-gray-500">{formatBytes(size)}</span>
        {viewable && (
          <button
            type="button"
            aria-expanded={open}
            onClick={() => setOpen((o) => !o)}
            className={cx(
              "inline-flex min-h-11 shrink-0 items-center rounded-lg px-3 text-sm ring-1",
              open ? "bg-indigo-600 text-white ring-indigo-600" : "ring-gray-300 dark:ring-gray-700",
            )}
          >
            {tv("view")}
          </button>
        )}
        <a
          href={href}
          className="inline-flex min-h-11 shrink-0 items-center rounded-lg px-3 text-sm ring-1 ring-gray-300 dark:ring-gray-700"
        >
          {t("download")}
        </a>
      </div>
      {open && (
        <div className="mt-2">
          <ReportViewer source={source} />
        </div>
      )}
    </li>
  );
}
