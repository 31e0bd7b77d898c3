import { getTranslations } from "next-intl/server";
import { requirePageUser } from "@/server/auth/guard";
import { dashboardSummary } from "@/server/dashboard/summary";
import { getDb } from "@/server/db/client";
import { checkHealth } from "@/server/health";
import { PageHeader } from "../_components/ui";
import { DashboardView } from "./_dashboard/dashboard-view";

export default async function DashboardPage() {
  await requirePageUser("dashboard.read");
  const t = await getTranslations("dashboard");
  const [summary, health] = await Promise.all([dashboardSummary(getDb()), checkHealth()]);
  return (
    <>
      <PageHeader title={t("title")} />
      <DashboardView initial={summary} health={health} />
    </>
  );
}
