import { getTranslations } from "next-intl/server";
import { LocaleSwitch } from "@/app/_components/locale-switch";
import { titleFrom } from "@/app/_components/page-title";
import { Card, PageHeader } from "@/app/_components/ui";
import { api } from "@/app/_trpc/server";
import { requirePageUser } from "@/server/auth/guard";
import { userTimeZone } from "@/server/i18n/zone";
import { PasswordForm } from "./password-form";
import { ProfileForm } from "./profile-form";
import { SessionsCard } from "./sessions-card";
import { WechatForm } from "./wechat-form";
import { ZoneForm } from "./zone-form";

export const generateMetadata = titleFrom("account", "title");

export default async function AccountPage() {
  const user = await requirePageUser();
  const t = await getTranslations("account");
  const tc = await getTranslations("common");
  const binding = await api.wechat.binding();
  return (
    <>
      <PageHeader title={t("title")}>
        {user.username} · {tc(`role.${user.role}`)}
      </PageHeader>
      <div className="grid gap-4 lg:grid-cols-2">
        <ProfileForm name={user.name} />
        <PasswordForm />
        <Card title={tc("language")}>
          <LocaleSwitch />
        </Card>
        <ZoneForm current={userTimeZone(user)} zones={Intl.supportedValuesOf("timeZone")} />
        <SessionsCard />
        <WechatForm binding={binding} />
      </div>
    </>
  );
}
