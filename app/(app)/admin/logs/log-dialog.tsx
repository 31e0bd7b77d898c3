"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { useEffect, useRef, useState } from "react";
import { DateTime } from "@/app/_components/time";
import { useTRPC } from "@/app/_components/trpc";
import { Alert, Button } from "@/app/_components/ui";
import { LevelBadge } from "./level";

/**
 * One log entry in full (seed 000: "clicking an entry opens a clearer window for
 * troubleshooting"): its fields, the whole record, and links to its run, job and request.
 */
export function LogDialog({
  id,
  onClose,
  onFilter,
}: {
  id: number;
  onClose: () => void;
  onFilter: (patch: { req?: string; run?: string }) => void;
}) {
  const t = useTranslations("logs");
  const tc = useTranslations("common");
  const trpc = useTRPC();
  const ref = useRef<HTMLDialogElement>(null);
  const [copied, setCopied] = useState(false);
  const entry = useQuery(trpc.ops.log.queryOptions({ id }));
  useEffect(() => {
    if (!ref.current?.open) ref.current?.showModal();
  }, []);
  const e = entry.data;
  const json = e ? JSON.stringify(e.record, null, 2) : "";
  return (
    <dialog
      ref={ref}
      data-testid="log-dialog"
      aria-labelledby="log-dialog-title"
      onCancel={(ev) => {
        ev.preventDefault();
        onClose();
      }}
      className="m-auto flex max-h-[92dvh] w-[min(52rem,calc(100vw-1rem))] flex-col rounded-xl bg-white p-0 text-gray-900 shadow-xl backdrop:bg-black/40 dark:bg-gray-900 dark:text-gray-100"
    >
      <header className="flex items-center justify-between gap-2 border-b border-gray-200 px-4 py-2 dark:border-gray-800">
        <h2 id="log-dialog-title" className="text-base font-semibold">
          {t("entry", { id })}
        </h2>
        <Button variant="ghost" onClick={onClose} aria-label={tc("close")}>
          ✕
        </Button>
      </header>
      <div className="overflow-y-auto px-4 py-3">
        {entry.error && <Alert>{entry.error.message}</Alert>}
        {e && (
          <div className="space-y-4 text-sm">
            <p className="text-base font-medium break-words" data-testid="log-dialog-msg">
              {e.msg || "—"}
            </p>
            <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1">
              <dt className="text-gray-500">{t("time")}</dt>
              <dd>
                <DateTime value={e.at} />
              </dd>
              <dt className="text-gray-500">{t("level")}</dt>
              <dd>
                <LevelBadge level={e.level} />
              </dd>
              <dt className="text-gray-500">{t("process")}</dt>
              <dd className="break-words">
                {e.svc}
                {e.component && e.component !== e.svc ? ` · ${e.component}` : ""}
              </dd>
              <dt className="text-gray-500">{t("host")}</dt>
              <dd className="break-all">
                {e.host ?? "—"} · {t("pid")} {e.pid ?? "—"}
              </dd>
            </dl>
            {(e.runId || e.jobId || e.reqId) && (
              <div>
                <h3 className="mb-1 font-medium">{t("related")}</h3>
                <ul className="flex flex-wrap gap-2">
                  {e.runId && (
                    <li>
                      <Link
                        className="text-indigo-700 underline dark:text-indigo-300"
                        href={`/runs/${e.runId}`}
                      >
                        {t("openRun", { id: e.runId })}
                      </Link>
                    </li>
                  )}
                  {e.runId && (
                    <li>
                      <button
                        type="button"
                        className="text-indigo-700 underline dark:text-indigo-300"
                        onClick={() => onFilter({ run: String(e.runId) })}
                      >
                        {t("sameRun", { id: e.runId })}
                      </button>
                    </li>
                  )}
                  {e.jobId && (
                    <li>
                      <Link
                        className="text-indigo-700 underline dark:text-indigo-300"
                        href={`/jobs/${e.jobId}`}
                      >
                        {t("openJob", { id: e.jobId })}
                      </Link>
                    </li>
                  )}
                  {e.reqId && (
                    <li>
                      <button
                        type="button"
                        data-testid="log-same-request"
                        className="text-left break-all text-indigo-700 underline dark:text-indigo-300"
                        onClick={() => onFilter({ req: e.reqId ?? undefined })}
                      >
                        {t("sameRequest", { id: e.reqId })}
                      </button>
                    </li>
                  )}
                </ul>
              </div>
            )}
            <div>
              <div className="mb-1 flex items-center justify-between">
                <h3 className="font-medium">{t("record")}</h3>
                <Button
                  variant="secondary"
                  onClick={() => {
                    void navigator.clipboard?.writeText(json).then(() => setCopied(true));
                  }}
                >
                  {copied ? t("copied") : t("copy")}
                </Button>
              </div>
              <pre
                data-testid="log-dialog-record"
                className="overflow-x-auto rounded-lg bg-gray-900 p-3 text-xs whitespace-pre-wrap break-all text-gray-100"
              >
                {json}
              </pre>
            </div>
          </div>
        )}
      </div>
    </dialog>
  );
}
