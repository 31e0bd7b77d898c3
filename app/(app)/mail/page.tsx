import { getTranslations } from "next-intl/server";
import { titleFrom } from "@/app/_components/page-title";
import { PageHeader } from "@/app/_components/ui";
import { requirePageUser } from "@/server/auth/guard";
import { can } from "@/server/auth/permissions";
import { currentTransport } from "@/server/mail/transport";
import { MailList } from "./mail-list";

export const generateMetadata = titleFrom("mail", "title");

export default async function MailPage() {
  const user = await requirePageUser("mail.read");
  const t = await getTranslations("mail");
  return (
    <>
      <PageHeader title={t("title")} />
      <MailList
        canSend={can(user.role, "mail.send")}
        transport={currentTransport().name}
        defaultTo={user.email ?? ""}
      />
    </>
  );
}
