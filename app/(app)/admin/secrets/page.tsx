import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { PageHeader } from "@/app/_components/ui";
import { requirePageUser } from "@/server/auth/guard";
import { AdminTabs } from "../admin-tabs";
import { SecretsAdmin } from "./secrets-admin";

export const metadata: Metadata = { title: "Secrets" };

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
