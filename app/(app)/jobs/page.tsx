import { getTranslations } from "next-intl/server";
import { titleFrom } from "@/app/_components/page-title";
import { LinkButton, PageHeader } from "@/app/_components/ui";
import { requirePageUser } from "@/server/auth/guard";
import { can } from "@/server/auth/permissions";
import { FunctionsPanel } from "./functions-panel";
import { JobsList } from "./jobs-list";

export const generateMetadata = titleFrom("jobs", "title");

export default async function JobsPage() {
  const user = await requirePageUser("jobs.read");
  const t = await getTranslations("jobs");
  const canWrite = can(user.role, "jobs.write");
  return (
    <>
      <PageHeader
        title={t("title")}
        actions={
          canWrite ? (
            <LinkButton href="/jobs/new" variant="primary">
              {t("new")}
            </LinkButton>
          ) : null
        }
      />
      <JobsList canWrite={canWrite} canRun={can(user.role, "jobs.run")} />
      <div className="mt-6">
        <FunctionsPanel canReload={canWrite} />
      </div>
    </>
  );
}
