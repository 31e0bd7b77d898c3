"use client";
import { useTranslations } from "next-intl";
import { CheckboxField, SelectField, TextField } from "@/app/_components/field";
import type { ModeFieldsProps } from "../types";
import { MailFields } from "./mail-fields";

/**
 * Mail-pickup mode (seed 000's 邮件任务): the file name prefix looked for in the server's pickup
 * folder, how many looks and how far apart, resending and what happens to a mailed file; then
 * the same report mail as a script job.
 */
export function MailPickupFields({ params: p, setParam, err, jobId }: ModeFieldsProps<"mail_pickup">) {
  const t = useTranslations("reports.pickup");
  const num = (s: string) => (s === "" ? undefined : Number(s));
  return (
    <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
      <TextField
        id="p-prefix"
        className="sm:col-span-2"
        label={t("prefix")}
        hint={t("prefixHint")}
        errors={err["params.prefix"]}
        value={p.prefix}
        spellCheck={false}
        controlClassName="font-mono"
        placeholder="sales_{{ date }}"
        onChange={(e) => setParam({ prefix: e.target.value })}
      />
      <TextField
        id="p-retry-times"
        label={t("retryTimes")}
        errors={err["params.retryTimes"]}
        type="number"
        min={1}
        placeholder="4"
        value={p.retryTimes ?? ""}
        onChange={(e) => setParam({ retryTimes: num(e.target.value) })}
      />
      <TextField
        id="p-retry-interval"
        label={t("retryInterval")}
        errors={err["params.retryIntervalSeconds"]}
        type="number"
        min={1}
        placeholder="300"
        value={p.retryIntervalSeconds ?? ""}
        onChange={(e) => setParam({ retryIntervalSeconds: num(e.target.value) })}
      />
      <SelectField
        id="p-after-send"
        label={t("afterSend")}
        errors={err["params.afterSend"]}
        value={p.afterSend}
        onChange={(e) => setParam({ afterSend: e.target.value as "archive" | "leave" })}
        options={[
          { value: "archive", label: t("afterArchive") },
          { value: "leave", label: t("afterLeave") },
        ]}
      />
      <CheckboxField
        id="p-resend"
        label={t("resend")}
        checked={p.resend}
        onChange={(e) => setParam({ resend: e.target.checked })}
      />
      <MailFields mail={p.mail} setMail={(mail) => setParam({ mail })} err={err} jobId={jobId} />
    </div>
  );
}
