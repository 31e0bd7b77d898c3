"use client";
import { useTranslations } from "next-intl";
import { SelectField, TextField } from "@/app/_components/field";
import { Card } from "@/app/_components/ui";
import { isLocale, LOCALES } from "@/server/i18n/locale";
import type { CardProps, FieldErrors } from "./types";

/** The list-like fields, as the text a person types (split on save). */
export type ListTexts = {
  notifyEmails: string;
  tags: string;
  onSuccessStart: string;
  onFailureStart: string;
};

export function NotifyCard({
  lists,
  onList,
  err,
  v,
  set,
}: {
  lists: ListTexts;
  onList: (k: keyof ListTexts, text: string) => void;
  err: FieldErrors;
} & Pick<CardProps, "v" | "set">) {
  const tf = useTranslations("jobs.form");
  const ta = useTranslations("alerts.form");
  return (
    <Card title={tf("notify")}>
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField
          id="job-notify"
          label={tf("notifyEmails")}
          hint={tf("notifyHelp")}
          errors={err.notifyEmails}
          value={lists.notifyEmails}
          onChange={(e) => onList("notifyEmails", e.target.value)}
        />
        <TextField
          id="job-remind"
          label={ta("remindHours")}
          hint={ta("remindHelp")}
          errors={err.alertRemindSeconds}
          type="number"
          inputMode="decimal"
          min={0}
          step="any"
          value={Math.round((v.alertRemindSeconds / 3600) * 100) / 100}
          onChange={(e) => set("alertRemindSeconds", Math.round(Number(e.target.value) * 3600))}
        />
        <SelectField
          id="job-mail-language"
          label={ta("mailLanguage")}
          hint={ta("mailLanguageHelp")}
          errors={err.mailLanguage}
          value={v.mailLanguage ?? ""}
          onChange={(e) => set("mailLanguage", isLocale(e.target.value) ? e.target.value : null)}
          options={[
            { value: "", label: ta("mailLanguageDefault") },
            ...LOCALES.map((l) => ({ value: l, label: ta(`languageName.${l}`) })),
          ]}
        />
        <TextField
          id="job-tags"
          label={tf("tags")}
          hint={tf("tagsHelp")}
          errors={err.tags}
          value={lists.tags}
          onChange={(e) => onList("tags", e.target.value)}
        />
        <TextField
          id="job-onsuccess"
          label={tf("onSuccess")}
          errors={err.onSuccessStart}
          inputMode="numeric"
          value={lists.onSuccessStart}
          onChange={(e) => onList("onSuccessStart", e.target.value)}
        />
        <TextField
          id="job-onfailure"
          label={tf("onFailure")}
          errors={err.onFailureStart}
          inputMode="numeric"
          value={lists.onFailureStart}
          onChange={(e) => onList("onFailureStart", e.target.value)}
        />
      </div>
    </Card>
  );
}
