import { getTranslations } from "next-intl/server";
import { titleFrom } from "@/app/_components/page-title";
import { PageHeader } from "@/app/_components/ui";
import { requirePageUser } from "@/server/auth/guard";
import { can } from "@/server/auth/permissions";
import { userTimeZone } from "@/server/i18n/zone";
import { JobForm } from "../_form/job-form";
import { newJobValues } from "../form-values";

export const generateMetadata = titleFrom("jobs", "new");

export default async function NewJobPage() {
  const user = await requirePageUser("jobs.write");
  const t = await getTranslations("jobs");
  return (
    <>
      <PageHeader title={t("new")} />
      <JobForm
        initial={newJobValues(userTimeZone(user))}
        canCommand={can(user.role, "jobs.host")}
        zones={Intl.supportedValuesOf("timeZone")}
      />
    </>
  );
}
