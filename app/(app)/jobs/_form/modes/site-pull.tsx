"use client";
import { useQuery } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useTRPC } from "@/app/_components/trpc";
import { Field, Select } from "@/app/_components/ui";
import type { ModeFieldsProps } from "../types";

/** A site's pull job: which site (its files' base URL and zone are the site's own). */
export function SitePullFields({ params: p, setParam, err }: ModeFieldsProps<"site_pull">) {
  const t = useTranslations("sites");
  const trpc = useTRPC();
  const sites = useQuery(trpc.sites.list.queryOptions({ size: 200 }));
  return (
    <Field label={t("site")} htmlFor="p-site" errors={err["params.siteId"]}>
      <Select
        id="p-site"
        value={p.siteId || ""}
        onChange={(e) => setParam({ siteId: Number(e.target.value) })}
        invalid={!!err["params.siteId"]}
      >
        <option value="">—</option>
        {sites.data?.items.map((s) => (
          <option key={s.id} value={s.id}>
            {s.name} ({s.code})
          </option>
        ))}
      </Select>
    </Field>
  );
}
