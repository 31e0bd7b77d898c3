"use client";
import { useTranslations } from "next-intl";
import { SelectField, TextAreaField, TextField } from "@/app/_components/field";
import { SHELL_MODES } from "@/server/runs/modes/params";
import type { ModeFieldsProps } from "../types";
import { useLineText } from "../use-line-text";

export function CommandFields({ params: p, setParam, err }: ModeFieldsProps<"command">) {
  const tf = useTranslations("jobs.form");
  const env = useLineText(Object.entries(p.env ?? {}), "=", (pairs) =>
    setParam({ env: Object.fromEntries(pairs) }),
  );
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <TextAreaField
        id="p-command"
        className="sm:col-span-2"
        label={tf("command")}
        errors={err["params.command"]}
        rows={2}
        value={p.command ?? ""}
        onChange={(e) => setParam({ command: e.target.value })}
        spellCheck={false}
      />
      <TextField
        id="p-workdir"
        label={tf("workdir")}
        errors={err["params.workdir"]}
        value={p.workdir ?? ""}
        onChange={(e) => setParam({ workdir: e.target.value || undefined })}
      />
      <SelectField
        id="p-shell"
        label={tf("shell")}
        errors={err["params.shell"]}
        value={p.shell ?? "auto"}
        onChange={(e) => setParam({ shell: e.target.value as (typeof SHELL_MODES)[number] })}
        options={SHELL_MODES.map((s) => ({ value: s, label: tf(`shellName.${s}`) }))}
      />
      <TextAreaField
        id="p-env"
        label={tf("env")}
        hint={tf("envHelp")}
        errors={err["params.env"]}
        rows={3}
        value={env.text}
        onChange={(e) => env.onChange(e.target.value)}
      />
      <TextField
        id="p-timeout"
        label={tf("commandTimeout")}
        errors={err["params.timeout"]}
        type="number"
        min={1}
        placeholder="30"
        value={p.timeout ?? ""}
        onChange={(e) => setParam({ timeout: e.target.value ? Number(e.target.value) : undefined })}
      />
    </div>
  );
}
