import { getTranslations } from "next-intl/server";
import { titleFrom } from "@/app/_components/page-title";
import { requirePageUser } from "@/server/auth/guard";
import { PageHeader } from "../_components/ui";
import { api } from "../_trpc/server";
import { DashboardView } from "./_dashboard/dashboard-view";

export const generateMetadata = titleFrom("dashboard", "title");

export default async function DashboardPage() {
  await requirePageUser("dashboard.read");
  const t = await getTranslations("dashboard");
  const [summary, health] = await Promise.all([api.dashboard.summary(), api.dashboard.health()]);
  return (
    <>
      <PageHeader title={t("title")} />
      <DashboardView initial={summary} health={health} />
    </>
  );
}
