import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { PageHeader } from "@/app/_components/ui";
import { requirePageUser } from "@/server/auth/guard";
import { can } from "@/server/auth/permissions";
import { getDb } from "@/server/db/client";
import { getJob } from "@/server/jobs/jobs";
import { DomainError } from "@/server/lib/errors";
import { formValuesOf } from "../../form-values";
import { JobForm } from "../../job-form";

export default async function EditJobPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requirePageUser("jobs.write");
  const t = await getTranslations("jobs");
  const id = Number((await params).id);
  if (!Number.isInteger(id) || id <= 0) notFound();
  const job = await getJob(getDb(), id).catch((e) => {
    if (e instanceof DomainError) notFound();
    throw e;
  });
  return (
    <>
      <PageHeader title={`${t("edit")}: ${job.name}`} />
      <JobForm
        id={id}
        initial={formValuesOf(job)}
        canCommand={can(user.role, "jobs.command")}
        zones={Intl.supportedValuesOf("timeZone")}
      />
    </>
  );
}
