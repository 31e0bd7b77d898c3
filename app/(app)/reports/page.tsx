import { getTranslations } from "next-intl/server";
import { titleFrom } from "@/app/_components/page-title";
import { PageHeader } from "@/app/_components/ui";
import { requirePageUser } from "@/server/auth/guard";
import { ReportsList } from "./reports-list";

export const generateMetadata = titleFrom("nav", "reports");

export default async function ReportsPage() {
  await requirePageUser("reports.read");
  const t = await getTranslations("reports.page");
  return (
    <>
      <PageHeader title={t("title")} />
      <ReportsList />
    </>
  );
}
