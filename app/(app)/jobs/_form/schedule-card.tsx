"use client";
import { useQuery } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useEffect, useMemo, useState } from "react";
import { TextField } from "@/app/_components/field";
import { DateTime } from "@/app/_components/time";
import { useTRPC } from "@/app/_components/trpc";
import { Card } from "@/app/_components/ui";
import type { CardProps } from "./types";

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

/** Cron and zone, with what they mean in words and the next fires as you type. */
/** jobId: an @every schedule counts from the job's creation, so its preview needs the job. */
export function ScheduleCard({ v, set, err, zones, jobId }: CardProps & { zones: string[]; jobId?: number }) {
  const tf = useTranslations("jobs.form");
  const tp = useTranslations("jobPage");
  const tc = useTranslations("common");
  const locale = useLocale();
  const trpc = useTRPC();
  const cron = useDebounced(v.cron, 250);
  const zone = useDebounced(v.timezone, 250);
  const preview = useQuery({
    ...trpc.jobs.previewCron.queryOptions({ cron, timezone: zone, count: 5, ...(jobId ? { jobId } : {}) }),
    enabled: cron.trim().length > 0,
  });
  const zoneOptions = useMemo(() => zones.map((z) => <option key={z} value={z} />), [zones]);
  return (
    <Card title={tf("scheduleSection")}>
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField
          id="job-cron"
          label={tf("cron")}
          hint={tf("cronHelp")}
          errors={err.cron}
          value={v.cron}
          onChange={(e) => set("cron", e.target.value)}
          controlClassName="font-mono"
          autoCapitalize="none"
          autoCorrect="off"
          spellCheck={false}
        />
        <div>
          <TextField
            id="job-tz"
            list="job-tz-list"
            label={tf("timezone")}
            errors={err.timezone}
            value={v.timezone}
            onChange={(e) => set("timezone", e.target.value)}
          />
          <datalist id="job-tz-list">{zoneOptions}</datalist>
        </div>
      </div>
      <div
        className="mt-3 rounded-lg bg-gray-50 p-3 text-sm dark:bg-gray-800/60"
        data-testid="cron-preview"
        aria-live="polite"
      >
        {preview.data?.ok ? (
          <>
            <p className="font-medium">{preview.data.text[locale === "zh-CN" ? "zh-CN" : "en"]}</p>
            {preview.data.readings.map((r) => {
              const [from = "", step = ""] = r.as.split(/-.*\//);
              return (
                <p
                  key={r.token}
                  className="text-xs text-amber-700 dark:text-amber-400"
                  data-testid="cron-reading"
                >
                  {tp("quartzReading", { token: r.token, as: r.as, from, step })}
                </p>
              );
            })}
            <p className="mt-2 text-xs text-gray-500">{tf("nextFires")}</p>
            <ol className="mt-1 space-y-0.5 font-mono text-xs">
              {preview.data.next.map((d) => (
                <li key={String(d)}>
                  <DateTime value={d} timeZone={preview.data.ok ? preview.data.timezone : undefined} />
                </li>
              ))}
            </ol>
          </>
        ) : preview.data ? (
          <p className="text-red-600 dark:text-red-400">
            {tc("labelled", { label: tf("cronInvalid"), value: preview.data.error })}
          </p>
        ) : (
          <p className="text-gray-500">{tc("loading")}</p>
        )}
      </div>
    </Card>
  );
}
