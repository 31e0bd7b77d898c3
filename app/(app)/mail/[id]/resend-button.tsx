"use client";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useTRPC } from "@/app/_components/trpc";
import { Button } from "@/app/_components/ui";

export function ResendButton({ id }: { id: number }) {
  const t = useTranslations("mail");
  const trpc = useTRPC();
  const router = useRouter();
  const resend = useMutation(trpc.mail.resend.mutationOptions({ onSuccess: () => router.refresh() }));
  return (
    <Button onClick={() => resend.mutate({ id })} disabled={resend.isPending}>
      {resend.isSuccess ? t("resent") : t("resend")}
    </Button>
  );
}
