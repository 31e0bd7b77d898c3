import { getTranslations } from "next-intl/server";
import { PageHeader } from "@/app/_components/ui";
import { requirePageUser } from "@/server/auth/guard";
import { ReportsList } from "./reports-list";

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
