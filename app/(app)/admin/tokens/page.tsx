import { getTranslations } from "next-intl/server";
import { titleFrom } from "@/app/_components/page-title";
import { LinkButton, PageHeader } from "@/app/_components/ui";
import { requirePageUser } from "@/server/auth/guard";
import { AdminTabs } from "../admin-tabs";
import { TokensAdmin } from "./tokens-admin";

export const generateMetadata = titleFrom("admin", "tokens");

export default async function TokensPage() {
  const me = await requirePageUser("users.manage");
  const t = await getTranslations("admin");
  const tt = await getTranslations("tokens");
  return (
    <>
      <PageHeader
        title={t("title")}
        actions={
          <LinkButton href="/docs" variant="secondary">
            {tt("apiDocs")}
          </LinkButton>
        }
      />
      <AdminTabs active="tokens" />
      <TokensAdmin meRole={me.role} />
    </>
  );
}
