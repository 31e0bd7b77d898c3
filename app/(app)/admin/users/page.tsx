import { getTranslations } from "next-intl/server";
import { titleFrom } from "@/app/_components/page-title";
import { PageHeader } from "@/app/_components/ui";
import { requirePageUser } from "@/server/auth/guard";
import { AdminTabs } from "../admin-tabs";
import { UsersAdmin } from "./users-admin";

export const generateMetadata = titleFrom("admin", "users");

export default async function UsersPage() {
  const me = await requirePageUser("users.manage");
  const t = await getTranslations("admin");
  return (
    <>
      <PageHeader title={t("title")} />
      <AdminTabs active="users" />
      <UsersAdmin meId={me.id} />
    </>
  );
}
