import { getTranslations } from "next-intl/server";
import { titleFrom } from "@/app/_components/page-title";
import { PageHeader } from "@/app/_components/ui";
import { requirePageUser } from "@/server/auth/guard";
import { AdminTabs } from "../admin-tabs";
import { BackupAdmin } from "./backup-admin";

export const generateMetadata = titleFrom("admin", "backup");

export default async function BackupPage() {
  await requirePageUser("backup.manage");
  const t = await getTranslations("admin");
  return (
    <>
      <PageHeader title={t("title")} />
      <AdminTabs active="backup" />
      <BackupAdmin />
    </>
  );
}
