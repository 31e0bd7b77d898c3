"use client";
import { useTranslations } from "next-intl";
import { SelectField, TextField } from "@/app/_components/field";
import { Alert, Card } from "@/app/_components/ui";
import { isHostJob } from "@/server/jobs/host-access";
import type { Mode } from "../form-values";
import type { CardProps } from "./types";

export function BasicsCard({
  v,
  set,
  err,
  modes,
  onMode,
  canCommand,
}: CardProps & { modes: readonly Mode[]; onMode: (mode: Mode) => void; canCommand: boolean }) {
  const t = useTranslations("jobs");
  const tf = useTranslations("jobs.form");
  return (
    <Card title={tf("basics")}>
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField
          id="job-name"
          label={t("name")}
          errors={err.name}
          value={v.name}
          onChange={(e) => set("name", e.target.value)}
        />
        <SelectField
          id="job-mode"
          label={t("mode")}
          errors={err.mode}
          value={v.mode}
          onChange={(e) => onMode(e.target.value as Mode)}
          options={modes.map((m) => ({ value: m, label: t(`modeName.${m}`) }))}
        />
        <TextField
          id="job-desc"
          className="sm:col-span-2"
          label={t("description")}
          errors={err.description}
          value={v.description}
          onChange={(e) => set("description", e.target.value)}
        />
      </div>
      {isHostJob(v.mode, v.params) && !canCommand && (
        <div className="mt-3">
          <Alert tone="amber">{tf("commandAdminOnly")}</Alert>
        </div>
      )}
    </Card>
  );
}
