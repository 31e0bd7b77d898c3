import { getTranslations } from "next-intl/server";
import { PageHeader } from "@/app/_components/ui";
import { requirePageUser } from "@/server/auth/guard";
import { RunsView } from "./runs-view";

export default async function RunsPage() {
  await requirePageUser("jobs.read");
  const t = await getTranslations("runs");
  return (
    <>
      <PageHeader title={t("title")} />
      <RunsView />
    </>
  );
}
