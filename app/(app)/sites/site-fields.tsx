"use client";
import { useTranslations } from "next-intl";
import type { Dispatch, ReactNode, SetStateAction } from "react";
import { Alert, Button, Card, Field, Input } from "@/app/_components/ui";

/** The fields a site's new and edit forms share, as typed (numbers as text until sent). */
export type SiteForm = {
  name: string;
  baseUrl: string;
  timezone: string;
  pullCron: string;
  /** Seconds; empty: the installation's default. */
  alarmGroupWait: string;
  /** Minutes (the API takes seconds); empty: the installation's default. */
  alarmRemindMinutes: string;
};

export type SiteAlarmDefaults = { groupWaitSeconds: number; remindSeconds: number };

/** A site as the forms start from it (a new one: empty, the defaults). */
export type SiteValues = {
  name: string;
  baseUrl: string | null;
  timezone: string;
  pullCron: string | null;
  alarmGroupWaitSeconds: number | null;
  alarmRemindSeconds: number | null;
};

const text = (n: number | null, per = 1) => (n === null ? "" : String(n / per));
/** Empty stays "the default"; anything else goes to the server as typed, which judges it. */
const number = (s: string, per = 1) => (s.trim() === "" ? null : Math.round(Number(s) * per));

export function siteFormOf(v: SiteValues): SiteForm {
  return {
    name: v.name,
    baseUrl: v.baseUrl ?? "",
    timezone: v.timezone,
    pullCron: v.pullCron ?? "*/5 * * * *",
    alarmGroupWait: text(v.alarmGroupWaitSeconds),
    alarmRemindMinutes: text(v.alarmRemindSeconds, 60),
  };
}

/** The form as the create / update input (server/sites/sites.ts ZSiteFields). */
export function siteInputOf(f: SiteForm) {
  return {
    name: f.name,
    baseUrl: f.baseUrl.trim() || null,
    timezone: f.timezone,
    pullCron: f.pullCron,
    alarmGroupWaitSeconds: number(f.alarmGroupWait),
    alarmRemindSeconds: number(f.alarmRemindMinutes, 60),
  };
}

/** Name, base URL, zone (with the zone list), pull schedule, and the alarms' group wait and repeat. */
export function SiteFields({
  form,
  setForm,
  errors,
  zones,
  defaults,
}: {
  form: SiteForm;
  setForm: Dispatch<SetStateAction<SiteForm>>;
  errors: Record<string, string[] | undefined>;
  zones: string[];
  defaults: SiteAlarmDefaults;
}) {
  const t = useTranslations("sites");
  const field = (
    key: keyof SiteForm,
    label: string,
    o: { hint?: string; list?: string; error?: string; numeric?: boolean } = {},
  ) => {
    const err = errors[o.error ?? key];
    return (
      <Field label={label} htmlFor={`site-${key}`} hint={o.hint} errors={err}>
        <Input
          id={`site-${key}`}
          value={form[key]}
          list={o.list}
          inputMode={o.numeric ? "decimal" : undefined}
          autoCapitalize="none"
          spellCheck={false}
          invalid={!!err}
          onChange={(e) => setForm((f) => ({ ...f, [key]: e.target.value }))}
        />
      </Field>
    );
  };
  return (
    <>
      {field("name", t("name"))}
      {field("baseUrl", t("baseUrl"), { hint: t("baseUrlHint") })}
      {field("timezone", t("timezone"), { list: "site-tz-list" })}
      <datalist id="site-tz-list">
        {zones.map((z) => (
          <option key={z} value={z} />
        ))}
      </datalist>
      {field("pullCron", t("pullCron"), { hint: t("pullCronHint") })}
      {field("alarmGroupWait", t("alarmGroupWait"), {
        hint: t("alarmGroupWaitHint", { seconds: defaults.groupWaitSeconds }),
        error: "alarmGroupWaitSeconds",
        numeric: true,
      })}
      {field("alarmRemindMinutes", t("alarmRemind"), {
        hint: t("alarmRemindHint", { minutes: defaults.remindSeconds / 60 }),
        error: "alarmRemindSeconds",
        numeric: true,
      })}
    </>
  );
}

/** The card both site forms sit in: the form's own error on top, save and cancel below. */
export function SiteFormCard({
  title,
  onSubmit,
  error,
  pending,
  submit,
  submitTestId,
  onCancel,
  children,
}: {
  title: string;
  onSubmit: () => void;
  error: string | null | undefined;
  pending: boolean;
  submit: string;
  submitTestId: string;
  onCancel: () => void;
  children: ReactNode;
}) {
  const t = useTranslations("sites");
  return (
    <Card title={title} className="mb-4">
      <form
        className="grid gap-4 sm:grid-cols-2"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          onSubmit();
        }}
      >
        {error && (
          <div className="sm:col-span-2">
            <Alert>{error}</Alert>
          </div>
        )}
        {children}
        <div className="flex items-end gap-2 sm:col-span-2">
          <Button type="submit" disabled={pending} data-testid={submitTestId}>
            {submit}
          </Button>
          <Button variant="secondary" onClick={onCancel}>
            {t("cancel")}
          </Button>
        </div>
      </form>
    </Card>
  );
}
