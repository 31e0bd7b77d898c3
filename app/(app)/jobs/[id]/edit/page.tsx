import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { PageHeader } from "@/app/_components/ui";
import { api, forPage } from "@/app/_trpc/server";
import { requirePageUser } from "@/server/auth/guard";
import { can } from "@/server/auth/permissions";
import { jobInputOf } from "@/server/jobs/input";
import { JobForm } from "../../_form/job-form";
import { formValuesOf } from "../../form-values";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const t = await getTranslations("jobs");
  const job = await api.jobs.get({ id: Number((await params).id) }).catch(() => null);
  return {
    title: job
      ? (await getTranslations("common"))("labelled", { label: t("edit"), value: job.name })
      : t("edit"),
  };
}

export default async function EditJobPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requirePageUser("jobs.write");
  const t = await getTranslations("jobs");
  const tc = await getTranslations("common");
  const id = Number((await params).id);
  const job = await forPage(api.jobs.get({ id }));
  return (
    <>
      <PageHeader title={tc("labelled", { label: t("edit"), value: job.name })} />
      <JobForm
        id={id}
        initial={formValuesOf(jobInputOf(job))}
        canCommand={can(user.role, "jobs.host")}
        zones={Intl.supportedValuesOf("timeZone")}
      />
    </>
  );
}
