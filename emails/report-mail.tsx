import { Button, Link, Section, Text } from "@react-email/components";
import type { ReactNode } from "react";
import type { Locale } from "../server/i18n/locale";
import { translator } from "../server/i18n/messages";
import { EmailLayout, muted } from "./layout";

export type ReportMailProps = {
  locale: Locale;
  jobName: string;
  /** The run's date in the job's zone, as the template's `date` prints it. */
  date: string;
  /** `<%custom_render%>`'s title block, else empty (the job's name heads the mail). */
  title: string;
  /**
   * The body. Kairos passes a marker here and puts the rendered template's HTML (server/reports,
   * escaped where it must be) in its place, so a large report is not re-parsed by React.
   */
  children?: ReactNode;
  runUrl: string;
  /** The run's share link (opens without an account); absent: the button opens the run page. */
  shareUrl?: string;
  url: string;
};

/**
 * A script job's report mail: the job and the date on top, the body rendered from the job's
 * template (tables scroll sideways on a phone instead of squeezing), a link to the run's page.
 */
export function ReportMail(p: ReportMailProps) {
  const t = translator(p.locale);
  return (
    <EmailLayout
      lang={p.locale}
      preview={t("reports.mail.header", { job: p.jobName, date: p.date })}
      heading={p.title || p.jobName}
      footer={t("email.footer", { url: p.url })}
    >
      <Text style={muted}>{t("reports.mail.header", { job: p.jobName, date: p.date })}</Text>
      <div style={scroller}>{p.children}</div>
      <Section style={{ marginTop: 20 }}>
        <Button href={p.shareUrl ?? p.runUrl} style={button}>
          {t(p.shareUrl ? "reports.mail.openReport" : "reports.mail.openRun")}
        </Button>
      </Section>
      {p.shareUrl && (
        <Text style={muted}>
          <Link href={p.runUrl}>{t("reports.mail.openRun")}</Link>
        </Text>
      )}
    </EmailLayout>
  );
}

const scroller = {
  overflowX: "auto" as const,
  maxWidth: "100%",
  color: "#1f2937",
  fontSize: 14,
  lineHeight: "22px",
  marginTop: 12,
};
const button = {
  backgroundColor: "#4f46e5",
  borderRadius: 6,
  color: "#ffffff",
  fontSize: 14,
  padding: "10px 16px",
  textDecoration: "none",
};

ReportMail.PreviewProps = {
  locale: "zh-CN",
  jobName: "每日销售",
  date: "2026-03-08",
  title: "",
  children: "各位好，附件为今日报表。",
  runUrl: "http://localhost:3000/runs/1",
  shareUrl: "http://localhost:3000/share/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcde",
  url: "http://localhost:3000",
} satisfies ReportMailProps;
export default ReportMail;
