import { getTranslations } from "next-intl/server";
import { titleFrom } from "@/app/_components/page-title";
import { PageHeader } from "@/app/_components/ui";
import { requirePageUser } from "@/server/auth/guard";
import { AdminTabs } from "../admin-tabs";
import { IpAdmin } from "./ip-admin";

export const generateMetadata = titleFrom("admin", "ipControl");

export default async function IpControlPage() {
  await requirePageUser("users.manage");
  const t = await getTranslations("admin");
  return (
    <>
      <PageHeader title={t("title")} />
      <AdminTabs active="ipControl" />
      <IpAdmin />
    </>
  );
}
