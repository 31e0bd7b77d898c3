import { getTranslations } from "next-intl/server";
import { titleFrom } from "@/app/_components/page-title";
import { PageHeader } from "@/app/_components/ui";
import { requirePageUser } from "@/server/auth/guard";
import { AdminTabs } from "../admin-tabs";
import { SystemView } from "./system-view";

export const generateMetadata = titleFrom("system", "title");

export default async function SystemPage() {
  await requirePageUser("users.manage");
  const t = await getTranslations("admin");
  return (
    <>
      <PageHeader title={t("title")} />
      <AdminTabs active="system" />
      <SystemView />
    </>
  );
}
