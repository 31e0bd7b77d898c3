import { getTranslations } from "next-intl/server";
import { PageHeader } from "@/app/_components/ui";
import { requirePageUser } from "@/server/auth/guard";
import { can } from "@/server/auth/permissions";
import { currentTransport } from "@/server/mail/transport";
import { MailList } from "./mail-list";

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
