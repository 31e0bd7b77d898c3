"use client";
import { useTranslations } from "next-intl";
import type { ComponentType } from "react";
import { TextAreaField } from "@/app/_components/field";
import { Card } from "@/app/_components/ui";
import { isTextMode, type ModeParams } from "@/server/jobs/command-text";
import type { Mode } from "../form-values";
import { MODE_FIELDS } from "./modes";
import type { CardProps, ModeFieldsProps } from "./types";

export type WhatView = "form" | "text";

/** What the job runs: the mode's own fields, or the same as 【key】value text. */
export function WhatCard({
  v,
  err,
  view,
  onView,
  text,
  onText,
  textError,
  setParam,
  jobId,
}: Omit<CardProps, "set"> & {
  jobId?: number;
  view: WhatView;
  onView: (view: WhatView) => void;
  text: string;
  onText: (text: string) => void;
  textError: string | null;
  setParam: (patch: Partial<ModeParams[Mode]>) => void;
}) {
  const tf = useTranslations("jobs.form");
  const Fields = MODE_FIELDS[v.mode] as ComponentType<ModeFieldsProps<Mode>>;
  return (
    <Card
      title={tf("what")}
      actions={
        !isTextMode(v.mode) ? undefined : (
          <div className="flex rounded-lg ring-1 ring-gray-300 dark:ring-gray-700" role="tablist">
            {(["form", "text"] as const).map((k) => (
              <button
                key={k}
                type="button"
                role="tab"
                aria-selected={view === k}
                onClick={() => onView(k)}
                className={`min-h-11 px-3 text-sm ${view === k ? "bg-indigo-600 text-white" : ""} first:rounded-l-lg last:rounded-r-lg`}
              >
                {k === "form" ? tf("asForm") : tf("asText")}
              </button>
            ))}
          </div>
        )
      }
    >
      {view === "text" && isTextMode(v.mode) ? (
        <TextAreaField
          id="job-text"
          label={tf("asText")}
          hint={tf("textHelp")}
          // In place, under the text: the text's own parse error, and the server's about it.
          errors={[...(textError ? [textError] : []), ...(err.command ?? []), ...(err.params ?? [])]}
          rows={7}
          value={text}
          onChange={(e) => onText(e.target.value)}
          spellCheck={false}
        />
      ) : (
        <Fields key={v.mode} params={v.params} setParam={setParam} err={err} jobId={jobId} />
      )}
    </Card>
  );
}
