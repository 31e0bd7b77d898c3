import { getTranslations } from "next-intl/server";
import { titleFrom } from "@/app/_components/page-title";
import { PageHeader } from "@/app/_components/ui";
import { requirePageUser } from "@/server/auth/guard";
import { AdminTabs } from "../admin-tabs";
import { SecretsAdmin } from "./secrets-admin";

export const generateMetadata = titleFrom("admin", "secrets");

export default async function SecretsPage() {
  await requirePageUser("jobs.secrets");
  const t = await getTranslations("admin");
  return (
    <>
      <PageHeader title={t("title")} />
      <AdminTabs active="secrets" />
      <SecretsAdmin />
    </>
  );
}
