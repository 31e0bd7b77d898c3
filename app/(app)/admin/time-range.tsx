"use client";
import { useTranslations } from "next-intl";
import { Input } from "@/app/_components/ui";

/** ISO instant ↔ the value of a datetime-local input, in this device's zone. */
function toLocalInput(iso: string): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

/** From / to filters of a list, kept in the URL as ISO instants. */
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
  const field = (key: "from" | "to", value: string) => (
    <div className="flex min-w-0 flex-1 items-center gap-2 text-sm sm:flex-none">
      <label htmlFor={`${ns}-${key}`} className="shrink-0 text-gray-600 dark:text-gray-400">
        {t(key)}
      </label>
      <Input
        id={`${ns}-${key}`}
        type="datetime-local"
        data-testid={`${ns}-${key}`}
        value={toLocalInput(value)}
        onChange={(e) =>
          onChange({ [key]: e.target.value ? new Date(e.target.value).toISOString() : undefined })
        }
        className="min-w-0 sm:w-56"
      />
    </div>
  );
  return (
    <div className="flex flex-col gap-2 sm:flex-row">
      {field("from", from)}
      {field("to", to)}
    </div>
  );
}
