"use client";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { DateTime } from "@/app/_components/time";
import { useTRPC } from "@/app/_components/trpc";
import { Alert, Button, Card } from "@/app/_components/ui";

type Binding = { isBound: boolean; since?: Date; hint?: string };

/** Bind this account's WeChat for the WeChat query: a one-time code to send as "bind CODE". */
export function WechatForm({ binding }: { binding: Binding }) {
  const t = useTranslations("wechat");
  const trpc = useTRPC();
  const router = useRouter();
  const make = useMutation(trpc.wechat.makeCode.mutationOptions());
  const unbind = useMutation(trpc.wechat.unbind.mutationOptions({ onSuccess: () => router.refresh() }));
  return (
    <Card title={t("title")}>
      <div className="space-y-3 text-sm" data-testid="wechat-binding">
        <p className="text-gray-600 dark:text-gray-300">{t("intro")}</p>
        <p>
          {binding.isBound && binding.since ? (
            <>
              {t("isBound", { hint: binding.hint ?? "" })} <DateTime value={binding.since} />
            </>
          ) : (
            t("notBoundYet")
          )}
        </p>
        {make.data && (
          <Alert tone="green">
            <span data-testid="wechat-code">
              {t("codeIs", { code: make.data.code, minutes: make.data.minutes })}
            </span>
          </Alert>
        )}
        <div className="flex flex-wrap gap-2">
          <Button onClick={() => make.mutate()} disabled={make.isPending} data-testid="wechat-make-code">
            {t("makeCode")}
          </Button>
          {binding.isBound && (
            <Button variant="secondary" onClick={() => unbind.mutate()} disabled={unbind.isPending}>
              {t("unbind")}
            </Button>
          )}
        </div>
      </div>
    </Card>
  );
}
