"use client";
import { useQuery } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { TextField } from "@/app/_components/field";
import { useTRPC } from "@/app/_components/trpc";
import type { ModeFieldsProps } from "../types";

export function FuncFields({ params: p, setParam, err }: ModeFieldsProps<"func">) {
  const tf = useTranslations("jobs.form");
  const locale = useLocale();
  const trpc = useTRPC();
  const catalog = useQuery(trpc.jobs.functions.queryOptions());
  const name = p.name ?? "";
  const fn = catalog.data?.functions.find((f) => f.name === name);
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <div>
        <TextField
          id="p-func"
          list="p-func-list"
          label={tf("function")}
          errors={err["params.name"]}
          value={name}
          onChange={(e) => setParam({ name: e.target.value })}
          autoCapitalize="none"
        />
        <datalist id="p-func-list">
          {catalog.data?.functions.map((f) => (
            <option key={f.name} value={f.name}>
              {f.params.join(", ")}
            </option>
          ))}
        </datalist>
      </div>
      <TextField
        id="p-args"
        label={tf("args")}
        hint={fn ? `${fn.name}(${fn.params.join(", ")})` : tf("argsHelp")}
        errors={err["params.args"]}
        value={(p.args ?? []).join(",")}
        onChange={(e) => setParam({ args: e.target.value === "" ? [] : e.target.value.split(",") })}
      />
      {fn && (
        <p className="text-sm text-gray-600 sm:col-span-2 dark:text-gray-400">
          {locale === "zh-CN" && fn.descriptionZh ? fn.descriptionZh : fn.description}
        </p>
      )}
    </div>
  );
}
