"use client";
import { useFormatter, useNow } from "next-intl";

/** An instant in the display zone, with the full ISO value on long-press/hover. */
export function DateTime({
  value,
  withSeconds = true,
  timeZone,
}: {
  value: Date | string | null | undefined;
  withSeconds?: boolean;
  /** Show the instant in this zone (e.g. a job's own), naming the zone. */
  timeZone?: string;
}) {
  const f = useFormatter();
  if (!value) return <span className="text-gray-400">—</span>;
  const d = new Date(value);
  // The zone's short name goes after the time (some locales would put it in the middle).
  const zone = timeZone
    ? new Intl.DateTimeFormat("en", { timeZone, timeZoneName: "short" })
        .formatToParts(d)
        .find((p) => p.type === "timeZoneName")?.value
    : undefined;
  return (
    <time dateTime={d.toISOString()} title={d.toISOString()} className="tabular-nums">
      {f.dateTime(d, {
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
        hour: "2-digit",
        minute: "2-digit",
        ...(withSeconds ? { second: "2-digit" } : {}),
        hourCycle: "h23",
        ...(timeZone ? { timeZone } : {}),
      })}
      {zone && <span className="ml-1 text-xs text-gray-500">{zone}</span>}
    </time>
  );
}

export function RelativeTime({ value }: { value: Date | string | null | undefined }) {
  const f = useFormatter();
  const now = useNow({ updateInterval: 5_000 });
  if (!value) return <span className="text-gray-400">—</span>;
  const d = new Date(value);
  return (
    <time dateTime={d.toISOString()} title={d.toISOString()}>
      {f.relativeTime(d, now)}
    </time>
  );
}
