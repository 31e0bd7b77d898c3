import { Button, Section, Text } from "@react-email/components";
import type { Locale } from "../server/i18n/locale";
import { translator } from "../server/i18n/messages";
import { EmailLayout, muted, paragraph } from "./layout";

export type SiteAlarmsMailProps = {
  locale: Locale;
  kind: "failing" | "reminder" | "recovered";
  site: string;
  /** The open alarms now (the newest first), at most a screenful; `more` beyond them. */
  alarms: { name: string; node: string; description: string; raised: string }[];
  more: number;
  /** Reminder interval in words, or null when none follows. */
  every: string | null;
  since: string;
  siteUrl: string;
  url: string;
};

export function siteAlarmsSubject(p: SiteAlarmsMailProps): string {
  const t = translator(p.locale);
  const count = p.alarms.length + p.more;
  return `[Kairos] ${t(`siteAlarms.${p.kind}Subject`, { site: p.site, count })}`;
}

/** The alarms of a site that are not resumed (seed 001: 对于未恢复节点的告警需要发送邮件). */
export function SiteAlarmsMail(p: SiteAlarmsMailProps) {
  const t = translator(p.locale);
  const count = p.alarms.length + p.more;
  return (
    <EmailLayout
      lang={p.locale}
      preview={siteAlarmsSubject(p)}
      heading={t(`siteAlarms.${p.kind}Heading`, { site: p.site, count })}
      footer={t("email.footer", { url: p.url })}
    >
      <Text style={paragraph}>
        {p.kind === "recovered"
          ? t("siteAlarms.recoveredBody", { since: p.since })
          : p.every
            ? t("siteAlarms.openBody", { every: p.every })
            : t("siteAlarms.openBodyNoReminder")}
      </Text>
      {p.kind !== "recovered" && (
        <Section>
          {p.alarms.map((a, i) => (
            <Text key={i} style={{ ...paragraph, margin: "0 0 8px" }}>
              <strong>{a.name}</strong> · {a.node} · {a.raised}
              <br />
              <span style={muted}>{a.description}</span>
            </Text>
          ))}
          {p.more > 0 && <Text style={muted}>{t("siteAlarms.more", { count: p.more })}</Text>}
        </Section>
      )}
      <Button
        href={p.siteUrl}
        style={{
          backgroundColor: "#4f46e5",
          borderRadius: 6,
          color: "#fff",
          fontSize: 14,
          padding: "10px 16px",
        }}
      >
        {t("siteAlarms.open")}
      </Button>
    </EmailLayout>
  );
}

SiteAlarmsMail.PreviewProps = {
  locale: "zh-CN",
  kind: "failing",
  site: "深圳局点 (SZ01)",
  alarms: [{ name: "磁盘满", node: "db1", description: "/data 使用率 95%", raised: "2026-11-26 02:00:04" }],
  more: 0,
  every: "4小时",
  since: "2026-11-26 02:00:04",
  siteUrl: "http://localhost:3000/alarms?site=1",
  url: "http://localhost:3000",
} satisfies SiteAlarmsMailProps;
export default SiteAlarmsMail;
