"use client";
import { useFormatter, useNow as useRequestNow, useTimeZone } from "next-intl";
import { useEffect, useState } from "react";
import { formatInstant } from "@/server/lib/local-time";

/**
 * An instant in the reader's zone (their account setting), or in `timeZone` (a job's own)
 * labelled with that zone's offset when it differs from the reader's. The text comes from
 * server/lib/local-time.ts, the same formatter mails use; the full ISO value shows on
 * long-press/hover.
 */
export function DateTime({
  value,
  withSeconds = true,
  timeZone,
}: {
  value: Date | string | null | undefined;
  withSeconds?: boolean;
  timeZone?: string;
}) {
  const readerZone = useTimeZone() ?? "UTC";
  if (!value) return <span className="text-gray-400">—</span>;
  const d = new Date(value);
  const { text, zone } = formatInstant(d, { readerZone, timeZone, seconds: withSeconds });
  return (
    <time dateTime={d.toISOString()} title={d.toISOString()} className="whitespace-nowrap tabular-nums">
      {text}
      {zone && <span className="ml-1 text-xs text-gray-500">{zone}</span>}
    </time>
  );
}

/**
 * The request's `now` (server/i18n/request.ts) for the first render, so hydration sees the
 * server's text (React #418 otherwise); the real clock from the first effect on, ticking. (After
 * a client-side navigation the request's `now` may be minutes old: hence the immediate set.)
 */
function useTickingNow(intervalMs: number): Date {
  const requestNow = useRequestNow();
  const [now, setNow] = useState(requestNow);
  useEffect(() => {
    setNow(new Date());
    const id = setInterval(() => setNow(new Date()), intervalMs);
    return () => clearInterval(id);
  }, [intervalMs]);
  return now;
}

export function RelativeTime({ value }: { value: Date | string | null | undefined }) {
  const f = useFormatter();
  const now = useTickingNow(5_000);
  const readerZone = useTimeZone() ?? "UTC";
  if (!value) return <span className="text-gray-400">—</span>;
  const d = new Date(value);
  return (
    <time
      dateTime={d.toISOString()}
      title={formatInstant(d, { readerZone }).text}
      className="whitespace-nowrap"
    >
      {f.relativeTime(d, now)}
    </time>
  );
}
