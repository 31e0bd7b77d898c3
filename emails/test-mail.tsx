import { Text } from "@react-email/components";
import type { Locale } from "../server/i18n/locale";
import { translator } from "../server/i18n/messages";
import { EmailLayout, paragraph } from "./layout";

export type TestMailProps = { locale: Locale; user: string; url: string };

export function TestMail({ locale, user, url }: TestMailProps) {
  const t = translator(locale);
  return (
    <EmailLayout
      lang={locale}
      preview={t("email.test.subject")}
      heading={t("email.test.heading")}
      footer={t("email.footer", { url })}
    >
      <Text style={paragraph}>{t("email.test.body", { user })}</Text>
      <Text style={paragraph}>{t("email.test.attachmentNote")}</Text>
    </EmailLayout>
  );
}

export const testMailSubject = (locale: Locale) => translator(locale)("email.test.subject");

TestMail.PreviewProps = {
  locale: "zh-CN",
  user: "admin",
  url: "http://localhost:3000",
} satisfies TestMailProps;
export default TestMail;
