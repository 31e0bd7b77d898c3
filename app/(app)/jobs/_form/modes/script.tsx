"use client";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { SelectField, TextAreaField, TextField } from "@/app/_components/field";
import { fieldErrorsOf, formErrorOf } from "@/app/_components/form-errors";
import { useTRPC } from "@/app/_components/trpc";
import { Alert } from "@/app/_components/ui";
import type { ModeFieldsProps } from "../types";
import { useLineText } from "../use-line-text";
import { MailFields } from "./mail-fields";
import { ScriptDiff } from "./script-diff";

/**
 * Script mode: which uploaded script version runs (or upload a new one), its extra arguments,
 * environment and timeout, and the report mail (recipients, subject and body templates,
 * attachments). The output folder is always the script's first argument.
 */
export function ScriptFields({ params: p, setParam, err, jobId }: ModeFieldsProps<"script">) {
  const t = useTranslations("reports.script");
  const tf = useTranslations("jobs.form");
  const td = useTranslations("reports.diff");
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
  const [args, setArgs] = useState(p.args.join("\n"));

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
    <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
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
        <details className="min-w-0 sm:col-span-2">
          <summary className="min-h-11 cursor-pointer py-2 text-sm">
            {current.data.name} · v{current.data.version} · {current.data.interpreter} ·{" "}
            {current.data.sha256.slice(0, 12)}
          </summary>
          <pre className="max-h-80 overflow-auto rounded-lg bg-gray-950 p-3 font-mono text-xs text-gray-100">
            {current.data.text}
          </pre>
        </details>
      )}
      {(versions.data?.length ?? 0) > 1 && (
        <details className="min-w-0 sm:col-span-2" data-testid="script-compare">
          <summary className="min-h-11 cursor-pointer py-2 text-sm">{td("title")}</summary>
          <ScriptDiff
            versions={versions.data ?? []}
            currentId={p.scriptId}
            onUse={(id) => setParam({ scriptId: id })}
          />
        </details>
      )}
      <TextAreaField
        id="p-args"
        label={t("args")}
        errors={err["params.args"]}
        rows={2}
        value={args}
        onChange={(e) => {
          setArgs(e.target.value);
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

      <MailFields
        mail={p.mail}
        setMail={(mail) => setParam({ mail })}
        err={err}
        jobId={jobId}
        scriptId={p.scriptId}
      />
    </div>
  );
}
