"use client";
import { useNow, useTimeZone, useTranslations } from "next-intl";
import { Input } from "@/app/_components/ui";
import { instantOfLocalInput, localInputValue, zoneLabel } from "@/server/lib/local-time";

/**
 * From / to filters of a list, kept in the URL as ISO instants. The inputs read and show the
 * reader's display zone (their account setting, as every time on the page), not the device's,
 * and say which zone that is.
 */
export function TimeRange({
  ns,
  from,
  to,
  onChange,
}: {
  ns: "logs" | "audit";
  from: string;
  to: string;
  onChange: (patch: { from?: string; to?: string }) => void;
}) {
  const t = useTranslations(ns);
  const zone = useTimeZone() ?? "UTC";
  // The request's clock, so the server's and the browser's first render agree.
  const now = useNow();
  const field = (key: "from" | "to", value: string) => {
    const at = value ? new Date(value) : null;
    const shown = at && !Number.isNaN(at.getTime()) ? at : null;
    return (
      <div className="flex min-w-0 flex-1 items-center gap-2 text-sm sm:flex-none">
        <label htmlFor={`${ns}-${key}`} className="shrink-0 text-gray-600 dark:text-gray-400">
          {t(key)}
        </label>
        <Input
          id={`${ns}-${key}`}
          type="datetime-local"
          data-testid={`${ns}-${key}`}
          aria-describedby={`${ns}-${key}-zone`}
          value={shown ? localInputValue(shown, zone) : ""}
          onChange={(e) => onChange({ [key]: instantOfLocalInput(e.target.value, zone)?.toISOString() })}
          className="min-w-0 sm:w-56"
        />
        <span
          id={`${ns}-${key}-zone`}
          data-testid={`${ns}-${key}-zone`}
          title={zone}
          className="shrink-0 text-xs text-gray-500"
        >
          {zoneLabel(shown ?? now, zone)}
        </span>
      </div>
    );
  };
  return (
    <div className="flex flex-col gap-2 sm:flex-row">
      {field("from", from)}
      {field("to", to)}
    </div>
  );
}
