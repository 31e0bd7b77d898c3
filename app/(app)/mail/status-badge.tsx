import { useTranslations } from "next-intl";
import { Badge } from "@/app/_components/ui";
import type { OutboxStatus } from "@/server/lib/enums";

const TONE = { queued: "blue", sending: "blue", sent: "green", failed: "red", kept: "amber" } as const;

export function MailStatusBadge({ status }: { status: OutboxStatus }) {
  const t = useTranslations("mail.statusName");
  return <Badge tone={TONE[status]}>{t(status)}</Badge>;
}
