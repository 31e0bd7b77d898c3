"use client";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { CheckboxField, SelectField, TextAreaField, TextField } from "@/app/_components/field";
import { fieldErrorsOf, formErrorOf } from "@/app/_components/form-errors";
import { useTRPC } from "@/app/_components/trpc";
import { Alert } from "@/app/_components/ui";
import type { ScriptMail } from "@/server/runs/modes/params";
import type { ModeFieldsProps } from "../types";
import { useLineText } from "../use-line-text";

const MIB = 1024 * 1024;
const addresses = (s: string) => s.split(/[\s,;]+/).filter(Boolean);

/**
 * Script mode: which uploaded script version runs (or upload a new one), its extra arguments,
 * environment and timeout, and the report mail (recipients, subject and body templates,
 * attachments). The output folder is always the script's first argument.
 */
export function ScriptFields({ params: p, setParam, err }: ModeFieldsProps<"script">) {
  const t = useTranslations("reports.script");
  const tf = useTranslations("jobs.form");
  const trpc = useTRPC();
  const scripts = useQuery(trpc.reports.scripts.list.queryOptions({ size: 200 }));
  const current = useQuery(
    trpc.reports.scripts.get.queryOptions({ id: p.scriptId }, { enabled: p.scriptId > 0, retry: false }),
  );
  const name = current.data?.name;
  const versions = useQuery(
    trpc.reports.scripts.versions.queryOptions({ name: name ?? "x" }, { enabled: !!name }),
  );
  const upload = useMutation(
    trpc.reports.scripts.upload.mutationOptions({
      onSuccess: (v) => {
        setParam({ scriptId: v.id });
        void scripts.refetch();
        void versions.refetch();
      },
    }),
  );
  const uploadErr = fieldErrorsOf(upload.error);
  const env = useLineText(Object.entries(p.env ?? {}), "=", (pairs) =>
    setParam({ env: Object.fromEntries(pairs) }),
  );
  const mail = p.mail;
  const setMail = (patch: Partial<ScriptMail>) => setParam({ mail: { ...mail, ...patch } });
  const [lists, setLists] = useState({
    to: mail.to.join(", "),
    cc: mail.cc.join(", "),
    bcc: mail.bcc.join(", "),
    args: p.args.join("\n"),
  });
  const setList = (k: "to" | "cc" | "bcc", text: string) => {
    setLists((l) => ({ ...l, [k]: text }));
    setMail({ [k]: addresses(text) });
  };

  const choices = [
    ...(p.scriptId > 0 && !scripts.data?.items.some((s) => s.id === p.scriptId)
      ? [
          {
            value: String(p.scriptId),
            label: name ? `${name} · v${current.data?.version}` : `#${p.scriptId}`,
          },
        ]
      : []),
    ...(versions.data ?? [])
      .filter((v) => v.name === name)
      .map((v) => ({ value: String(v.id), label: `${v.name} · v${v.version}` })),
    ...(scripts.data?.items ?? [])
      .filter((s) => s.name !== name)
      .map((s) => ({ value: String(s.id), label: `${s.name} · v${s.version}` })),
  ].filter((c, i, all) => all.findIndex((x) => x.value === c.value) === i);

  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <SelectField
        id="p-script"
        label={t("choose")}
        errors={err["params.scriptId"]}
        value={p.scriptId > 0 ? String(p.scriptId) : ""}
        onChange={(e) => setParam({ scriptId: Number(e.target.value) })}
        options={[{ value: "", label: scripts.data?.items.length ? "—" : t("none") }, ...choices]}
      />
      <div>
        <label htmlFor="p-script-file" className="mb-1 block text-sm font-medium">
          {t("upload")}
        </label>
        <input
          id="p-script-file"
          type="file"
          accept=".py,.sh,.js,.mjs,.cjs,text/*"
          className="block min-h-11 w-full text-sm"
          data-testid="script-upload"
          onChange={async (e) => {
            const file = e.target.files?.[0];
            if (!file) return;
            upload.mutate({ name: file.name, text: await file.text() });
            e.target.value = "";
          }}
        />
        <p className="mt-1 text-xs text-gray-500">{t("uploadHint")}</p>
        {upload.isSuccess && (
          <p className="mt-1 text-xs text-emerald-700 dark:text-emerald-400">
            {t("uploaded", { name: upload.data.name, version: upload.data.version })}
          </p>
        )}
        {upload.error && (
          <div className="mt-2">
            <Alert>
              {Object.values(uploadErr).flat()[0] ?? formErrorOf(upload.error) ?? upload.error.message}
            </Alert>
          </div>
        )}
      </div>
      {current.data && (
        <details className="sm:col-span-2">
          <summary className="min-h-11 cursor-pointer py-2 text-sm">
            {current.data.name} · v{current.data.version} · {current.data.interpreter} ·{" "}
            {current.data.sha256.slice(0, 12)}
          </summary>
          <pre className="max-h-80 overflow-auto rounded-lg bg-gray-950 p-3 font-mono text-xs text-gray-100">
            {current.data.text}
          </pre>
        </details>
      )}
      <TextAreaField
        id="p-args"
        label={t("args")}
        errors={err["params.args"]}
        rows={2}
        value={lists.args}
        onChange={(e) => {
          setLists((l) => ({ ...l, args: e.target.value }));
          setParam({ args: e.target.value.split("\n").filter((a) => a.trim()) });
        }}
      />
      <TextAreaField
        id="p-env"
        label={tf("env")}
        hint={tf("envHelp")}
        errors={err["params.env"]}
        rows={2}
        value={env.text}
        onChange={(e) => env.onChange(e.target.value)}
      />
      <TextField
        id="p-timeout"
        label={t("timeout")}
        errors={err["params.timeout"]}
        type="number"
        min={1}
        placeholder="3600"
        value={p.timeout ?? ""}
        onChange={(e) => setParam({ timeout: e.target.value ? Number(e.target.value) : undefined })}
      />

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
      <TextAreaField
        id="p-mail-body"
        className="sm:col-span-2"
        label={t("body")}
        hint={t("bodyHint")}
        errors={err["params.mail.body"]}
        rows={8}
        controlClassName="font-mono text-xs"
        spellCheck={false}
        value={mail.body}
        onChange={(e) => setMail({ body: e.target.value })}
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
    </div>
  );
}
