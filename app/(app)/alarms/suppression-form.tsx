"use client";
import { useTranslations } from "next-intl";
import type { ReactNode } from "react";
import { SubmitRow } from "@/app/_components/form-submit";
import { Field, Input, Select } from "@/app/_components/ui";

type Site = { id: number; name: string; code: string };

/**
 * What the new-silence and new-window forms share: the heading, the site (unless the page is
 * one site's), the comment, the form's own error and the submit button; `children` are the
 * form's own fields, between the site and the comment.
 */
export function SuppressionForm({
  id,
  title,
  submit,
  mutation,
  onSubmit,
  sites,
  siteId,
  onSite,
  comment,
  onComment,
  errors,
  children,
}: {
  id: "silence" | "window";
  title: string;
  submit: string;
  /** The save: its pending state holds the button, its error that is about no field shows. */
  mutation: { error: unknown; isPending: boolean };
  onSubmit: () => void;
  /** null: the page shows one site, no choice. */
  sites: Site[] | null;
  siteId: number;
  onSite: (id: number) => void;
  comment: string;
  onComment: (v: string) => void;
  errors: Record<string, string[] | undefined>;
  children: ReactNode;
}) {
  const t = useTranslations("alerting");
  return (
    <form
      className="mt-4 space-y-3 border-t border-gray-100 pt-4 dark:border-gray-800"
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      <h3 className="text-sm font-semibold">{title}</h3>
      {sites && (
        <Field label={t("silences.site")} htmlFor={`${id}-site`} errors={errors.siteId}>
          <Select id={`${id}-site`} value={siteId} onChange={(e) => onSite(Number(e.target.value))}>
            {sites.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name} ({s.code})
              </option>
            ))}
          </Select>
        </Field>
      )}
      {children}
      <Field label={t("silences.comment")} htmlFor={`${id}-comment`} errors={errors.comment}>
        <Input id={`${id}-comment`} value={comment} onChange={(e) => onComment(e.target.value)} />
      </Field>
      <SubmitRow mutation={mutation} label={submit} className="space-y-3" />
    </form>
  );
}
