import { useTranslations } from "next-intl";
import type { RunStatus } from "@/server/lib/enums";
import { Badge } from "./ui";

const TONE = {
  queued: "blue",
  running: "indigo",
  succeeded: "green",
  failed: "red",
  timed_out: "amber",
  cancelled: "gray",
  skipped: "gray",
  lost: "amber",
} as const;

export function RunStatusBadge({ status }: { status: RunStatus }) {
  const t = useTranslations("runs.statusName");
  return <Badge tone={TONE[status]}>{t(status)}</Badge>;
}

export function JobStateBadge({ state }: { state: "waiting" | "running" | "stopped" }) {
  const t = useTranslations("jobs.stateName");
  return (
    <Badge tone={state === "running" ? "indigo" : state === "waiting" ? "green" : "gray"}>{t(state)}</Badge>
  );
}
