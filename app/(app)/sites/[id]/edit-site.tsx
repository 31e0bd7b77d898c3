"use client";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { fieldErrorsOf, formErrorOf } from "@/app/_components/form-errors";
import { useTRPC } from "@/app/_components/trpc";
import { Button } from "@/app/_components/ui";
import {
  type SiteAlarmDefaults,
  SiteFields,
  SiteFormCard,
  type SiteValues,
  siteFormOf,
  siteInputOf,
} from "../site-fields";

type Person = { id: number; username: string; name: string };
export type EditableSite = SiteValues & { id: number; userIds: number[] };

/** Edit a site: name, where its files are, its zone, the pull schedule and who manages it. */
export function EditSite({
  site,
  people,
  zones,
  defaults,
}: {
  site: EditableSite;
  people: Person[];
  zones: string[];
  defaults: SiteAlarmDefaults;
}) {
  const t = useTranslations("sites");
  const trpc = useTRPC();
  const router = useRouter();
  const initial = () => siteFormOf(site);
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState(initial);
  const [userIds, setUserIds] = useState<number[]>(site.userIds);
  const update = useMutation(
    trpc.sites.update.mutationOptions({
      onSuccess: () => {
        setOpen(false);
        router.refresh();
      },
    }),
  );
  const err = fieldErrorsOf(update.error);
  const general = formErrorOf(update.error);
  if (!open) {
    return (
      <Button
        variant="secondary"
        onClick={() => {
          setForm(initial());
          setUserIds(site.userIds);
          update.reset();
          setOpen(true);
        }}
        data-testid="site-edit"
      >
        {t("edit")}
      </Button>
    );
  }
  return (
    <SiteFormCard
      title={t("editSite")}
      onSubmit={() => update.mutate({ id: site.id, ...siteInputOf(form), userIds })}
      error={general}
      pending={update.isPending}
      submit={t("save")}
      submitTestId="site-update"
      onCancel={() => setOpen(false)}
    >
      <SiteFields form={form} setForm={setForm} errors={err} zones={zones} defaults={defaults} />
      <fieldset className="sm:col-span-2" data-testid="site-people">
        <legend className="mb-1 text-sm font-medium">{t("people")}</legend>
        {err.userIds && <p className="mb-1 text-sm text-red-600">{err.userIds.join(" ")}</p>}
        <div className="flex max-h-48 flex-wrap gap-x-4 gap-y-2 overflow-y-auto text-sm">
          {people.map((p) => (
            <label key={p.id} className="flex min-h-8 items-center gap-2">
              <input
                type="checkbox"
                className="size-4"
                checked={userIds.includes(p.id)}
                onChange={(e) =>
                  setUserIds((ids) => (e.target.checked ? [...ids, p.id] : ids.filter((i) => i !== p.id)))
                }
              />
              <span>
                {p.username}
                {p.name && <span className="text-gray-500"> · {p.name}</span>}
              </span>
            </label>
          ))}
        </div>
      </fieldset>
    </SiteFormCard>
  );
}
