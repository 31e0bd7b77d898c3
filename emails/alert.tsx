import { Button, Section, Text } from "@react-email/components";
import type { Locale } from "../server/i18n/locale";
import { translator } from "../server/i18n/messages";
import { EmailLayout, muted, paragraph, pre } from "./layout";

export type AlertMailProps = {
  locale: Locale;
  kind: "failing" | "reminder" | "recovered";
  name: string;
  /** Already in words and units ("4 hours", "4小时"), or null when no reminder follows. */
  every: string | null;
  /** When the failure / recovery happened and since when it fails, in the reader's zone. */
  at: string;
  since: string;
  /** Failures since `since`. */
  count: number;
  /** How long the incident lasted, in words (recovery only). */
  duration: string;
  error: string | null;
  logTail: string;
  /** The failed run (or other detail page), and the subject's page. */
  refUrl: string | null;
  subjectUrl: string;
  url: string;
};

export function alertMailSubject(p: AlertMailProps): string {
  const t = translator(p.locale);
  const m = {
    failing: () => t("alerts.mail.failingSubject", { name: p.name, error: p.error ?? "" }),
    reminder: () => t("alerts.mail.reminderSubject", { name: p.name, count: p.count, since: p.since }),
    recovered: () => t("alerts.mail.recoveredSubject", { name: p.name, count: p.count }),
  }[p.kind]();
  return `[Kairos] ${m}`;
}

/**
 * One mail per change of a subject's state (server/notify): it started failing, it is still
 * failing (a reminder), it recovered — never one mail per failed run.
 */
export function AlertMail(p: AlertMailProps) {
  const t = translator(p.locale);
  const body = {
    failing: () =>
      p.every
        ? t("alerts.mail.failingBody", { at: p.at, every: p.every })
        : t("alerts.mail.failingBodyNoReminder", { at: p.at }),
    reminder: () => t("alerts.mail.reminderBody", { since: p.since, count: p.count, every: p.every ?? "" }),
    recovered: () =>
      t("alerts.mail.recoveredBody", { at: p.at, since: p.since, count: p.count, duration: p.duration }),
  }[p.kind]();
  const button = {
    backgroundColor: p.kind === "recovered" ? "#047857" : "#4f46e5",
    borderRadius: 6,
    color: "#fff",
    fontSize: 14,
    padding: "10px 16px",
  };
  return (
    <EmailLayout
      lang={p.locale}
      preview={alertMailSubject(p)}
      heading={t(`alerts.mail.${p.kind}Heading`, { name: p.name })}
      footer={t("email.footer", { url: p.url })}
    >
      <Text style={paragraph}>{body}</Text>
      {p.error && p.kind !== "recovered" && (
        <Text style={paragraph}>
          <strong>{t("alerts.mail.lastError")}</strong> {p.error}
        </Text>
      )}
      {p.logTail && p.kind === "failing" && (
        <Section>
          <Text style={{ ...paragraph, marginBottom: 4 }}>{t("alerts.mail.logTail")}</Text>
          <Text style={pre}>{p.logTail}</Text>
        </Section>
      )}
      <Button href={p.kind !== "recovered" && p.refUrl ? p.refUrl : p.subjectUrl} style={button}>
        {p.kind !== "recovered" && p.refUrl ? t("alerts.mail.openRun") : t("alerts.mail.openSubject")}
      </Button>
      {p.kind !== "recovered" && p.refUrl && (
        <Text style={{ ...muted, marginTop: 12 }}>
          <a href={p.subjectUrl}>{t("alerts.mail.openSubject")}</a>
        </Text>
      )}
    </EmailLayout>
  );
}

AlertMail.PreviewProps = {
  locale: "zh-CN",
  kind: "failing",
  name: "数据备份任务",
  every: "4小时",
  at: "2026-11-26 02:00:04",
  since: "2026-11-26 02:00:04",
  count: 1,
  duration: "",
  error: "exit code 2",
  logTail: "$ ./backup.sh\nerror: disk full\n",
  refUrl: "http://localhost:3000/runs/1234",
  subjectUrl: "http://localhost:3000/jobs/12",
  url: "http://localhost:3000",
} satisfies AlertMailProps;
export default AlertMail;
