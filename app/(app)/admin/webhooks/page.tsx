import { getTranslations } from "next-intl/server";
import { titleFrom } from "@/app/_components/page-title";
import { PageHeader } from "@/app/_components/ui";
import { requirePageUser } from "@/server/auth/guard";
import { AdminTabs } from "../admin-tabs";
import { WebhooksAdmin } from "./webhooks-admin";

export const generateMetadata = titleFrom("admin", "webhooks");

export default async function WebhooksPage() {
  await requirePageUser("users.manage");
  const t = await getTranslations("admin");
  return (
    <>
      <PageHeader title={t("title")} />
      <AdminTabs active="webhooks" />
      <WebhooksAdmin />
    </>
  );
}
