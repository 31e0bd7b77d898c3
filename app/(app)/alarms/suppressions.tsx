"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useNow, useTimeZone, useTranslations } from "next-intl";
import { useState } from "react";
import { fieldErrorsOf } from "@/app/_components/form-errors";
import { DateTime } from "@/app/_components/time";
import { useTRPC } from "@/app/_components/trpc";
import { Alert, Badge, Button, Card, Field, Input, Select } from "@/app/_components/ui";
import { instantOfLocalInput, localInputValue, zoneLabel } from "@/server/lib/local-time";
import { SuppressionForm } from "./suppression-form";

type Matcher = { label: "alarm" | "node"; op: "=" | "!=" | "=~"; value: string };
const OPS = [
  ["=", "eq"],
  ["!=", "ne"],
  ["=~", "re"],
] as const;
const opKey = (op: Matcher["op"]) => OPS.find(([o]) => o === op)?.[1] ?? "eq";

/** The zone a window's times are typed in, named: "Asia/Shanghai · GMT+8", or "UTC". */
const zoneName = (zone: string, at: Date) => {
  const label = zoneLabel(at, zone);
  return zone === label ? zone : `${zone} · ${label}`;
};

/**
 * The alarm page's silences and maintenance windows (issue 12): what keeps alarms of a site
 * out of mails and webhooks, and for how long.
 */
export function Suppressions({ siteId, canWrite }: { siteId?: number; canWrite: boolean }) {
  const t = useTranslations("alerting");
  const trpc = useTRPC();
  const qc = useQueryClient();
  const router = useRouter();
  // The reader's display zone (their setting), not the browser's: the one rule for times.
  const zone = useTimeZone() ?? "UTC";
  // The request's clock, so the server's and the browser's first render agree.
  const now = useNow();
  const list = useQuery(trpc.alerting.suppressions.queryOptions({ siteId }));
  const sites = useQuery(trpc.sites.list.queryOptions({ size: 200 }));
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: trpc.alerting.suppressions.queryKey() });
    router.refresh();
  };
  const firstSite = siteId ?? sites.data?.items[0]?.id ?? 0;
  const [silence, setSilence] = useState({ siteId: 0, hours: "2", comment: "", matchers: [] as Matcher[] });
  const [win, setWin] = useState(() => {
    return {
      siteId: 0,
      startsAt: localInputValue(now, zone),
      endsAt: localInputValue(new Date(now.getTime() + 2 * 3600_000), zone),
      comment: "",
    };
  });
  const createSilence = useMutation(
    trpc.alerting.createSilence.mutationOptions({
      onSuccess: () => {
        setSilence({ ...silence, comment: "", matchers: [] });
        refresh();
      },
    }),
  );
  const expire = useMutation(trpc.alerting.expireSilence.mutationOptions({ onSuccess: refresh }));
  const createWindow = useMutation(
    trpc.alerting.createWindow.mutationOptions({
      onSuccess: () => {
        setWin({ ...win, comment: "" });
        refresh();
      },
    }),
  );
  const deleteWindow = useMutation(trpc.alerting.deleteWindow.mutationOptions({ onSuccess: refresh }));
  const sErr = fieldErrorsOf(createSilence.error);
  const wErr = fieldErrorsOf(createWindow.error);
  const siteChoice = siteId ? null : (sites.data?.items ?? []);
  const setMatcher = (i: number, m: Partial<Matcher>) =>
    setSilence({ ...silence, matchers: silence.matchers.map((x, j) => (j === i ? { ...x, ...m } : x)) });

  return (
    <div className="mt-6 grid gap-4 lg:grid-cols-2">
      <Card title={t("silences.title")}>
        <p className="mb-3 text-sm text-gray-600 dark:text-gray-400">{t("silences.intro")}</p>
        {expire.error && <Alert>{expire.error.message}</Alert>}
        {list.data?.silences.length === 0 ? (
          <p className="text-sm text-gray-500">{t("silences.empty")}</p>
        ) : (
          <ul className="divide-y divide-gray-100 text-sm dark:divide-gray-800" data-testid="silences">
            {list.data?.silences.map((s) => (
              <li
                key={s.id}
                className="flex flex-col gap-2 py-2 sm:flex-row sm:items-center sm:justify-between"
              >
                <div className="min-w-0 space-y-1">
                  <p className="font-medium">{s.siteName}</p>
                  <p className="flex flex-wrap gap-1">
                    {s.matchers.length === 0 ? (
                      <Badge tone="amber">{t("silences.wholeSite")}</Badge>
                    ) : (
                      s.matchers.map((m, i) => (
                        <Badge key={i} tone="indigo">
                          {t(`silences.labels.${m.label}`)} {t(`silences.ops.${opKey(m.op)}`)} {m.value}
                        </Badge>
                      ))
                    )}
                  </p>
                  <p className="text-xs text-gray-500">
                    {t("silences.until", { at: "" })}
                    <DateTime value={s.endsAt} />
                    {s.comment && ` · ${s.comment}`}
                  </p>
                </div>
                {canWrite && (
                  <Button
                    variant="secondary"
                    disabled={expire.isPending}
                    onClick={() => expire.mutate({ id: s.id })}
                  >
                    {t("silences.expire")}
                  </Button>
                )}
              </li>
            ))}
          </ul>
        )}
        {canWrite && (
          <SuppressionForm
            id="silence"
            title={t("silences.new")}
            submit={t("silences.create")}
            mutation={createSilence}
            onSubmit={() =>
              createSilence.mutate({
                siteId: silence.siteId || firstSite,
                hours: Number(silence.hours),
                comment: silence.comment,
                matchers: silence.matchers,
              })
            }
            sites={siteChoice}
            siteId={silence.siteId || firstSite}
            onSite={(v) => setSilence({ ...silence, siteId: v })}
            comment={silence.comment}
            onComment={(v) => setSilence({ ...silence, comment: v })}
            errors={sErr}
          >
            <fieldset className="space-y-2">
              <legend className="text-sm font-medium text-gray-700 dark:text-gray-300">
                {t("silences.matchers")}
              </legend>
              {silence.matchers.map((m, i) => (
                <div key={i} className="grid grid-cols-[1fr_1fr] gap-2 sm:grid-cols-[8rem_9rem_1fr_auto]">
                  <Select
                    aria-label={t("silences.label")}
                    value={m.label}
                    onChange={(e) => setMatcher(i, { label: e.target.value as Matcher["label"] })}
                  >
                    <option value="alarm">{t("silences.labels.alarm")}</option>
                    <option value="node">{t("silences.labels.node")}</option>
                  </Select>
                  <Select
                    aria-label={t("silences.op")}
                    value={m.op}
                    onChange={(e) => setMatcher(i, { op: e.target.value as Matcher["op"] })}
                  >
                    {OPS.map(([op, key]) => (
                      <option key={op} value={op}>
                        {t(`silences.ops.${key}`)}
                      </option>
                    ))}
                  </Select>
                  <Input
                    aria-label={t("silences.value")}
                    value={m.value}
                    invalid={!!sErr[`matchers.${i}.value`]}
                    onChange={(e) => setMatcher(i, { value: e.target.value })}
                  />
                  <Button
                    variant="secondary"
                    onClick={() =>
                      setSilence({ ...silence, matchers: silence.matchers.filter((_, j) => j !== i) })
                    }
                  >
                    {t("silences.removeMatcher")}
                  </Button>
                  {sErr[`matchers.${i}.value`] && (
                    <p role="alert" className="col-span-full text-sm text-red-600">
                      {sErr[`matchers.${i}.value`]?.join("; ")}
                    </p>
                  )}
                </div>
              ))}
              <Button
                variant="secondary"
                onClick={() =>
                  setSilence({
                    ...silence,
                    matchers: [...silence.matchers, { label: "alarm", op: "=", value: "" }],
                  })
                }
              >
                {t("silences.addMatcher")}
              </Button>
            </fieldset>
            <Field label={t("silences.hours")} htmlFor="silence-hours" errors={sErr.hours}>
              <Input
                id="silence-hours"
                type="number"
                inputMode="decimal"
                step="any"
                min={0}
                value={silence.hours}
                onChange={(e) => setSilence({ ...silence, hours: e.target.value })}
              />
            </Field>
          </SuppressionForm>
        )}
      </Card>
      <Card title={t("windows.title")}>
        <p className="mb-3 text-sm text-gray-600 dark:text-gray-400">{t("windows.intro")}</p>
        {deleteWindow.error && <Alert>{deleteWindow.error.message}</Alert>}
        {list.data?.windows.length === 0 ? (
          <p className="text-sm text-gray-500">{t("windows.empty")}</p>
        ) : (
          <ul className="divide-y divide-gray-100 text-sm dark:divide-gray-800" data-testid="windows">
            {list.data?.windows.map((w) => (
              <li
                key={w.id}
                className="flex flex-col gap-2 py-2 sm:flex-row sm:items-center sm:justify-between"
              >
                <div className="min-w-0 space-y-1">
                  <p className="flex flex-wrap items-center gap-2 font-medium">
                    {w.siteName}
                    {w.startsAt <= new Date() && <Badge tone="amber">{t("windows.active")}</Badge>}
                  </p>
                  <p className="text-xs text-gray-500">
                    <DateTime value={w.startsAt} /> – <DateTime value={w.endsAt} />
                    {w.comment && ` · ${w.comment}`}
                  </p>
                </div>
                {canWrite && (
                  <Button
                    variant="secondary"
                    disabled={deleteWindow.isPending}
                    onClick={() => deleteWindow.mutate({ id: w.id })}
                  >
                    {t("windows.delete")}
                  </Button>
                )}
              </li>
            ))}
          </ul>
        )}
        {canWrite && (
          <SuppressionForm
            id="window"
            title={t("windows.new")}
            submit={t("windows.create")}
            mutation={createWindow}
            onSubmit={() =>
              createWindow.mutate({
                siteId: win.siteId || firstSite,
                // An unreadable value goes as it is: the server's check names the field.
                startsAt: instantOfLocalInput(win.startsAt, zone) ?? win.startsAt,
                endsAt: instantOfLocalInput(win.endsAt, zone) ?? win.endsAt,
                comment: win.comment,
              })
            }
            sites={siteChoice}
            siteId={win.siteId || firstSite}
            onSite={(v) => setWin({ ...win, siteId: v })}
            comment={win.comment}
            onComment={(v) => setWin({ ...win, comment: v })}
            errors={wErr}
          >
            <p className="text-xs text-gray-500" data-testid="window-zone">
              {t("windows.zone", { zone: zoneName(zone, now) })}
            </p>
            <div className="grid gap-3 sm:grid-cols-2">
              {(["startsAt", "endsAt"] as const).map((k) => (
                <Field
                  key={k}
                  label={t(k === "startsAt" ? "windows.startsIn" : "windows.endsIn", {
                    zone: zoneLabel(now, zone),
                  })}
                  htmlFor={`window-${k}`}
                  errors={wErr[k]}
                >
                  <Input
                    id={`window-${k}`}
                    type="datetime-local"
                    value={win[k]}
                    onChange={(e) => setWin({ ...win, [k]: e.target.value })}
                  />
                </Field>
              ))}
            </div>
          </SuppressionForm>
        )}
      </Card>
    </div>
  );
}
