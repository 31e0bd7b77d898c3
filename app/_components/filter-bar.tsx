"use client";
import { useTranslations } from "next-intl";
import { type ReactNode, useState } from "react";
import type { Choice } from "./field";
import { Button, cx, Input, Select } from "./ui";

/**
 * One filter of a list. Text filters (a search, a job id) apply on Enter, on the search
 * button or when the field is left; a choice applies at once.
 */
export type Filter<K extends string> =
  | { kind: "search"; key: K; label: string; placeholder?: string }
  | { kind: "text"; key: K; label: string; placeholder?: string; numeric?: boolean }
  | { kind: "select"; key: K; label: string; options: readonly Choice[] };

/**
 * The filter row above a list (jobs, runs, mail): its values live in the URL
 * (useListParams), so `values` and `onChange` are that hook's.
 */
export function FilterBar<K extends string>({
  filters,
  values,
  onChange,
  actions,
}: {
  filters: readonly Filter<K>[];
  values: Record<K, string>;
  onChange: (patch: Partial<Record<NoInfer<K>, string>>) => void;
  /** Buttons on the right (wide screens) or below (phones), e.g. "pause all". */
  actions?: ReactNode;
}) {
  const tc = useTranslations("common");
  const texts = filters.filter((f) => f.kind !== "select");
  const selects = filters.filter((f) => f.kind === "select");
  // Choices sit two to a row on phones; an odd one out takes the whole row.
  const lone = selects.length % 2 === 1 ? selects.at(-1)?.key : undefined;
  const [draft, setDraft] = useState(() =>
    Object.fromEntries(texts.map((f) => [f.key, values[f.key] ?? ""])),
  );
  const commit = (key: K) => {
    const next = (draft[key] ?? "").trim();
    if (next !== (values[key] ?? "")) onChange({ [key]: next } as Partial<Record<K, string>>);
  };
  return (
    <div className="flex flex-col gap-2 lg:flex-row lg:items-center lg:justify-between">
      <form
        className="grid grid-cols-2 gap-2 sm:flex sm:flex-row"
        onSubmit={(e) => {
          e.preventDefault();
          const patch = Object.fromEntries(texts.map((f) => [f.key, (draft[f.key] ?? "").trim()]));
          onChange(patch as Partial<Record<K, string>>);
        }}
      >
        {filters.map((f) =>
          f.kind === "select" ? (
            <Select
              key={f.key}
              aria-label={f.label}
              value={values[f.key] ?? ""}
              onChange={(e) => onChange({ [f.key]: e.target.value } as Partial<Record<K, string>>)}
              className={cx("sm:w-auto sm:max-w-56", f.key === lone && "col-span-2")}
            >
              <option value="">{tc("labelled", { label: f.label, value: tc("all") })}</option>
              {f.options.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </Select>
          ) : (
            <Input
              key={f.key}
              type={f.kind === "search" ? "search" : "text"}
              inputMode={f.kind === "text" && f.numeric ? "numeric" : undefined}
              aria-label={f.label}
              placeholder={f.placeholder}
              value={draft[f.key] ?? ""}
              onChange={(e) => setDraft((d) => ({ ...d, [f.key]: e.target.value }))}
              onBlur={() => commit(f.key)}
              className={cx(
                "col-span-2 sm:min-w-32",
                f.kind === "search" ? "sm:max-w-xs sm:flex-1" : "sm:max-w-40",
              )}
            />
          ),
        )}
        {texts.length > 0 && (
          <Button type="submit" variant="secondary" className="col-span-2 sm:col-span-1">
            {tc("search")}
          </Button>
        )}
      </form>
      {/* Own row on phones, right-aligned at its own width: not a full-width (primary-looking) bar. */}
      {actions && <div className="flex flex-wrap justify-end gap-2">{actions}</div>}
    </div>
  );
}
