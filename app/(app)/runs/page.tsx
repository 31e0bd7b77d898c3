import { getTranslations } from "next-intl/server";
import { titleFrom } from "@/app/_components/page-title";
import { PageHeader } from "@/app/_components/ui";
import { requirePageUser } from "@/server/auth/guard";
import { RunsView } from "./runs-view";

export const generateMetadata = titleFrom("runs", "title");

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
