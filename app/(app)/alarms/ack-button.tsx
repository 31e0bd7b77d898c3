"use client";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useTRPC } from "@/app/_components/trpc";
import { Button } from "@/app/_components/ui";

/** Acknowledge an open alarm (it stays open, out of reminders), or undo it. */
export function AckButton({ alarmId, acked }: { alarmId: number; acked: boolean }) {
  const t = useTranslations("alerting.ack");
  const trpc = useTRPC();
  const router = useRouter();
  const ack = useMutation(trpc.alerting.ack.mutationOptions({ onSuccess: () => router.refresh() }));
  return (
    <Button
      variant="secondary"
      disabled={ack.isPending}
      onClick={() => ack.mutate({ alarmId, on: !acked })}
      title={ack.error?.message}
    >
      {acked ? t("unack") : t("ack")}
    </Button>
  );
}
