"use client";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useConfirm } from "@/app/_components/confirm";
import { useTRPC } from "@/app/_components/trpc";
import { Button, LinkButton } from "@/app/_components/ui";

export function JobActions({
  job,
  canWrite,
  canRun,
}: {
  job: { id: number; name: string; state: "waiting" | "stopped" };
  canWrite: boolean;
  canRun: boolean;
}) {
  const t = useTranslations("jobs");
  const tc = useTranslations("common");
  const tp = useTranslations("jobPage");
  const [dialog, ask] = useConfirm();
  const trpc = useTRPC();
  const router = useRouter();
  const refresh = () => router.refresh();
  const runNow = useMutation(
    trpc.jobs.runNow.mutationOptions({ onSuccess: (r) => router.push(`/runs/${r.id}`) }),
  );
  const stop = useMutation(trpc.jobs.stop.mutationOptions({ onSuccess: refresh }));
  const restart = useMutation(trpc.jobs.restart.mutationOptions({ onSuccess: refresh }));
  const clone = useMutation(
    trpc.jobs.clone.mutationOptions({ onSuccess: (j) => router.push(`/jobs/${j.id}`) }),
  );
  const del = useMutation(trpc.jobs.delete.mutationOptions({ onSuccess: () => router.push("/jobs") }));
  const busy = runNow.isPending || stop.isPending || restart.isPending || clone.isPending || del.isPending;
  const error = runNow.error ?? stop.error ?? restart.error ?? clone.error ?? del.error;
  return (
    <div className="flex flex-wrap gap-2">
      {dialog}
      {canRun && (
        <Button onClick={() => runNow.mutate({ id: job.id })} disabled={busy} data-testid="job-run-now">
          {t("runNow")}
        </Button>
      )}
      {canRun &&
        (job.state === "waiting" ? (
          <Button
            variant="secondary"
            onClick={async () => {
              const ok = await ask({
                title: tp("confirmStop", { name: job.name }),
                body: tp("confirmStopBody"),
                confirm: t("stop"),
                danger: true,
              });
              if (ok) stop.mutate({ id: job.id });
            }}
            disabled={busy}
            data-testid="job-stop"
          >
            {t("stop")}
          </Button>
        ) : (
          <Button
            variant="secondary"
            onClick={() => restart.mutate({ id: job.id })}
            disabled={busy}
            data-testid="job-restart"
          >
            {t("restart")}
          </Button>
        ))}
      {canWrite && (
        <>
          <LinkButton href={`/jobs/${job.id}/edit`}>{tc("edit")}</LinkButton>
          <Button variant="secondary" onClick={() => clone.mutate({ id: job.id })} disabled={busy}>
            {t("clone")}
          </Button>
          <Button
            variant="danger"
            disabled={busy}
            data-testid="job-delete"
            onClick={async () => {
              const ok = await ask({
                title: tp("confirmDeleteTitle", { name: job.name }),
                body: tp("confirmDeleteBody"),
                confirm: t("delete"),
                danger: true,
              });
              if (ok) del.mutate({ id: job.id });
            }}
          >
            {t("delete")}
          </Button>
        </>
      )}
      {error && <p className="w-full text-sm text-red-600">{error.message}</p>}
    </div>
  );
}
