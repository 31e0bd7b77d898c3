"use client";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { CheckboxField, SelectField, TextField } from "@/app/_components/field";
import type { ScriptMail } from "@/server/runs/modes/params";
import type { FieldErrors } from "../types";
import { TemplateEditor } from "./template-editor";

const MIB = 1024 * 1024;
const addresses = (s: string) => s.split(/[\s,;]+/).filter(Boolean);

/**
 * The report mail of a script or mail-pickup job: recipients, subject and body templates,
 * attachments, zip threshold, skip-when-empty.
 */
export function MailFields({
  mail,
  setMail: replace,
  err,
  jobId,
  scriptId,
}: {
  mail: ScriptMail;
  setMail: (mail: ScriptMail) => void;
  err: FieldErrors;
  /** The job being edited and its script: the template preview renders their last run's files. */
  jobId?: number;
  scriptId?: number;
}) {
  const t = useTranslations("reports.script");
  const setMail = (patch: Partial<ScriptMail>) => replace({ ...mail, ...patch });
  const [lists, setLists] = useState({
    to: mail.to.join(", "),
    cc: mail.cc.join(", "),
    bcc: mail.bcc.join(", "),
  });
  const setList = (k: "to" | "cc" | "bcc", text: string) => {
    setLists((l) => ({ ...l, [k]: text }));
    setMail({ [k]: addresses(text) });
  };
  return (
    <>
      <h3 className="mt-2 text-sm font-semibold sm:col-span-2">{t("mailTitle")}</h3>
      {(["to", "cc", "bcc"] as const).map((k) => (
        <TextField
          key={k}
          id={`p-mail-${k}`}
          label={t(k)}
          hint={k === "to" ? t("addresses") : undefined}
          errors={Object.entries(err)
            .filter(([f]) => f === `params.mail.${k}` || f.startsWith(`params.mail.${k}.`))
            .flatMap(([, m]) => m)}
          value={lists[k]}
          onChange={(e) => setList(k, e.target.value)}
        />
      ))}
      <TextField
        id="p-mail-subject"
        className="sm:col-span-2"
        label={t("subject")}
        hint={t("subjectHint")}
        errors={err["params.mail.subject"]}
        value={mail.subject}
        onChange={(e) => setMail({ subject: e.target.value })}
      />
      <TemplateEditor
        mail={mail}
        setMail={setMail}
        errors={err["params.mail.body"]}
        jobId={jobId}
        scriptId={scriptId}
      />
      <SelectField
        id="p-mail-attach"
        label={t("attach")}
        errors={err["params.mail.attach"]}
        value={mail.attach.mode}
        onChange={(e) => {
          const mode = e.target.value as ScriptMail["attach"]["mode"];
          setMail({ attach: mode === "pattern" ? { mode, pattern: "*.xlsx" } : { mode } });
        }}
        options={[
          { value: "all", label: t("attachAll") },
          { value: "pattern", label: t("attachPattern") },
          { value: "none", label: t("attachNone") },
        ]}
      />
      {mail.attach.mode === "pattern" ? (
        <TextField
          id="p-mail-pattern"
          label={t("pattern")}
          errors={err["params.mail.attach.pattern"]}
          value={mail.attach.pattern}
          onChange={(e) => setMail({ attach: { mode: "pattern", pattern: e.target.value } })}
        />
      ) : (
        <div />
      )}
      <TextField
        id="p-mail-zip"
        label={t("zipAbove")}
        errors={err["params.mail.zipAboveBytes"]}
        type="number"
        min={0}
        value={mail.zipAboveBytes === null ? "" : Math.round((mail.zipAboveBytes / MIB) * 100) / 100}
        onChange={(e) =>
          setMail({ zipAboveBytes: e.target.value === "" ? null : Math.round(Number(e.target.value) * MIB) })
        }
      />
      <CheckboxField
        id="p-mail-skip-empty"
        label={t("skipWhenEmpty")}
        checked={mail.skipWhenEmpty}
        onChange={(e) => setMail({ skipWhenEmpty: e.target.checked })}
      />
    </>
  );
}
