import { Button, Section, Text } from "@react-email/components";
import type { Locale } from "../server/i18n/locale";
import { translator } from "../server/i18n/messages";
import { EmailLayout, muted, paragraph, pre } from "./layout";

export type FailedRunProps = {
  locale: Locale;
  jobName: string;
  runId: number;
  status: string;
  error: string;
  attempt: number;
  scheduledAt: string;
  finishedAt: string;
  logTail: string;
  runUrl: string;
  url: string;
};

/** Sent to a job's notification addresses when a run ends badly and no retry follows. */
export function FailedRun(p: FailedRunProps) {
  const t = translator(p.locale);
  return (
    <EmailLayout
      lang={p.locale}
      preview={t("email.failedRun.subject", {
        job: p.jobName,
        status: t(`runs.statusName.${p.status}` as never),
      })}
      heading={t("email.failedRun.heading", { job: p.jobName })}
      footer={t("email.footer", { url: p.url })}
    >
      <Text style={paragraph}>
        {t("email.failedRun.summary", {
          run: p.runId,
          status: t(`runs.statusName.${p.status}` as never),
          attempt: p.attempt,
        })}
      </Text>
      <Text style={paragraph}>
        {t("common.labelled", { label: t("email.failedRun.error"), value: p.error })}
      </Text>
      <Text style={muted}>
        {t("email.failedRun.times", { scheduled: p.scheduledAt, finished: p.finishedAt })}
      </Text>
      {p.logTail && (
        <Section>
          <Text style={{ ...paragraph, marginBottom: 4 }}>{t("email.failedRun.logTail")}</Text>
          <Text style={pre}>{p.logTail}</Text>
        </Section>
      )}
      <Button
        href={p.runUrl}
        style={{
          backgroundColor: "#4f46e5",
          borderRadius: 6,
          color: "#fff",
          fontSize: 14,
          padding: "10px 16px",
        }}
      >
        {t("email.failedRun.open")}
      </Button>
    </EmailLayout>
  );
}

FailedRun.PreviewProps = {
  locale: "zh-CN",
  jobName: "数据备份任务",
  runId: 1234,
  status: "failed",
  error: "exit code 2",
  attempt: 1,
  scheduledAt: "2026-11-26 02:00:00",
  finishedAt: "2026-11-26 02:00:04",
  logTail: "$ ./backup.sh\nerror: disk full\n",
  runUrl: "http://localhost:3000/runs/1234",
  url: "http://localhost:3000",
} satisfies FailedRunProps;
export default FailedRun;
