import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { PageHeader } from "@/app/_components/ui";
import { requirePageUser } from "@/server/auth/guard";
import { AdminTabs } from "../admin-tabs";
import { IpAdmin } from "./ip-admin";

export const metadata: Metadata = { title: "IP control" };

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
