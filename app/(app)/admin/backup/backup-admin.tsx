"use client";
import { useTranslations } from "next-intl";
import { useId, useState } from "react";
import { Alert, Badge, Button, Card } from "@/app/_components/ui";
import type { BackupAction, ImportResult } from "@/server/backup/import";

type Refusal = { error: string; problems?: { field: string; message: string }[] };
type Stage =
  | { step: "idle" }
  | { step: "checking" | "applying"; file: File }
  | { step: "preview"; file: File; plan: ImportResult }
  | { step: "done"; result: ImportResult }
  | { step: "refused"; refusal: Refusal };

const TONE: Record<BackupAction, "green" | "blue" | "gray" | "amber"> = {
  create: "green",
  update: "blue",
  unchanged: "gray",
  skip: "amber",
};

async function send(file: File, dryRun: boolean): Promise<ImportResult> {
  const res = await fetch(`/api/backup/import${dryRun ? "?dryRun=1" : ""}`, {
    method: "POST",
    headers: { "content-type": file.type || "application/octet-stream" },
    body: file,
  });
  const body = (await res.json().catch(() => ({ error: `HTTP ${res.status}` }))) as ImportResult | Refusal;
  if (!res.ok) throw body as Refusal;
  return body as ImportResult;
}

/** Admin › Backup: download one; upload one, see what it would do (a dry run), then apply it. */
export function BackupAdmin() {
  const t = useTranslations("backup");
  const ids = { files: useId(), passwords: useId(), secrets: useId(), file: useId() };
  const [opts, setOpts] = useState({ files: false, passwords: false, secrets: false });
  const [stage, setStage] = useState<Stage>({ step: "idle" });
  const [showUnchanged, setShowUnchanged] = useState(false);
  const [inputKey, setInputKey] = useState(0);
  const [chosen, setChosen] = useState<string | null>(null);

  const query = new URLSearchParams(
    Object.entries(opts).flatMap(([k, on]) => (on ? [[k, "1"]] : [])),
  ).toString();
  const reset = () => {
    setStage({ step: "idle" });
    setChosen(null);
    setInputKey((k) => k + 1);
  };
  const run = async (file: File, dryRun: boolean) => {
    setStage({ step: dryRun ? "checking" : "applying", file });
    try {
      const r = await send(file, dryRun);
      setStage(dryRun ? { step: "preview", file, plan: r } : { step: "done", result: r });
      if (!dryRun) setInputKey((k) => k + 1);
    } catch (e) {
      setStage({ step: "refused", refusal: (e as Refusal).error ? (e as Refusal) : { error: String(e) } });
    }
  };

  const options = [
    { key: "files" as const, label: t("withFiles"), hint: t("withFilesHint") },
    { key: "passwords" as const, label: t("withPasswords"), hint: t("withPasswordsHint") },
    { key: "secrets" as const, label: t("withSecrets"), hint: t("withSecretsHint") },
  ];
  const plan = stage.step === "preview" ? stage.plan : null;
  const items = plan?.items.filter((i) => showUnchanged || i.action !== "unchanged") ?? [];

  return (
    <div className="space-y-4">
      <p className="text-sm text-gray-600 dark:text-gray-400">{t("intro")}</p>
      <Card title={t("download")}>
        <div className="space-y-3">
          {options.map((o) => (
            <div key={o.key} className="flex items-start gap-3">
              <input
                id={ids[o.key]}
                type="checkbox"
                className="mt-1 size-5 shrink-0"
                checked={opts[o.key]}
                onChange={(e) => setOpts({ ...opts, [o.key]: e.target.checked })}
              />
              <label htmlFor={ids[o.key]} className="text-sm">
                <span className="font-medium">{o.label}</span>
                <span className="block text-gray-600 dark:text-gray-400">{o.hint}</span>
              </label>
            </div>
          ))}
          {(opts.passwords || opts.secrets) && <Alert tone="amber">{t("sensitive")}</Alert>}
          <a
            href={`/api/backup${query ? `?${query}` : ""}`}
            download
            className="inline-flex min-h-11 items-center justify-center rounded-lg bg-indigo-600 px-4 text-sm font-medium text-white hover:bg-indigo-500"
          >
            {t("downloadButton")}
          </a>
        </div>
      </Card>

      <Card title={t("restore")}>
        <p className="mb-3 text-sm text-gray-600 dark:text-gray-400">{t("restoreHint")}</p>
        <div className="flex flex-wrap items-center gap-3">
          {/* The browser's own file button speaks the browser's language: ours speaks the user's. */}
          <input
            key={inputKey}
            id={ids.file}
            type="file"
            accept=".json,.zip,application/json,application/zip"
            className="peer sr-only"
            disabled={stage.step === "checking" || stage.step === "applying"}
            onChange={(e) => {
              const file = e.target.files?.[0];
              setChosen(file?.name ?? null);
              if (file) void run(file, true);
            }}
          />
          <label
            htmlFor={ids.file}
            className="inline-flex min-h-11 cursor-pointer items-center rounded-lg bg-white px-4 text-sm font-medium text-gray-900 ring-1 ring-gray-300 ring-inset hover:bg-gray-50 peer-focus-visible:outline-2 peer-focus-visible:outline-indigo-600 dark:bg-gray-900 dark:text-gray-100 dark:ring-gray-700"
          >
            {t("chooseFile")}
          </label>
          <span className="min-w-0 text-sm break-all text-gray-600 dark:text-gray-400">
            {chosen ?? t("noFile")}
          </span>
        </div>
        <div className="mt-3 space-y-3" aria-live="polite">
          {stage.step === "checking" && <p className="text-sm">{t("checking")}</p>}
          {stage.step === "applying" && <p className="text-sm">{t("applying")}</p>}
          {stage.step === "refused" && (
            <Alert>
              <p className="font-medium">{t("refused")}</p>
              <ul className="mt-1 list-disc pl-5 font-mono text-xs break-words">
                {(stage.refusal.problems?.length
                  ? stage.refusal.problems.map((p) => `${p.field}: ${p.message}`)
                  : [stage.refusal.error]
                ).map((line) => (
                  <li key={line}>{line}</li>
                ))}
              </ul>
            </Alert>
          )}
          {stage.step === "done" && <Alert tone="green">{t("applied", stage.result.counts)}</Alert>}
          {plan && stage.step === "preview" && (
            <section aria-label={t("preview")} className="space-y-3">
              <h3 className="text-sm font-semibold">{t("preview")}</h3>
              <p className="text-sm">
                {t("summary", plan.counts)} · {t("previewNote")}
              </p>
              {plan.upgradedFrom !== null && (
                <Alert tone="blue">
                  {t("olderVersion", { from: plan.upgradedFrom, to: plan.schemaVersion })}
                </Alert>
              )}
              {plan.counts.create + plan.counts.update === 0 && (
                <Alert tone="green">{t("nothingToDo")}</Alert>
              )}
              <label className="flex items-center gap-2 text-sm">
                <input
                  type="checkbox"
                  className="size-5"
                  checked={showUnchanged}
                  onChange={(e) => setShowUnchanged(e.target.checked)}
                />
                {t("showUnchanged")}
              </label>
              {items.length > 0 && (
                <div className="overflow-x-auto rounded-lg ring-1 ring-gray-200 dark:ring-gray-800">
                  <table className="min-w-full text-left text-sm">
                    <thead className="bg-gray-50 text-xs text-gray-600 dark:bg-gray-800/60 dark:text-gray-400">
                      <tr>
                        <th className="px-3 py-2 font-medium">{t("kindHeader")}</th>
                        <th className="px-3 py-2 font-medium">{t("keyHeader")}</th>
                        <th className="px-3 py-2 font-medium">{t("actionHeader")}</th>
                        <th className="px-3 py-2 font-medium">{t("noteHeader")}</th>
                      </tr>
                    </thead>
                    <tbody className="divide-y divide-gray-100 dark:divide-gray-800">
                      {items.map((i) => (
                        <tr key={`${i.kind} ${i.key}`}>
                          <td className="px-3 py-2 whitespace-nowrap">{t(`kind.${i.kind}`)}</td>
                          <td className="px-3 py-2 break-all">{i.key}</td>
                          <td className="px-3 py-2">
                            <Badge tone={TONE[i.action]}>{t(`action.${i.action}`)}</Badge>
                          </td>
                          <td className="px-3 py-2 text-gray-600 dark:text-gray-400">
                            {i.note ? t(`note.${i.note}`) : ""}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
              <div className="flex flex-wrap gap-2">
                <Button
                  disabled={plan.counts.create + plan.counts.update === 0}
                  onClick={() => void run(stage.file, false)}
                >
                  {t("apply")}
                </Button>
                <Button variant="secondary" onClick={reset}>
                  {t("cancel")}
                </Button>
              </div>
            </section>
          )}
        </div>
      </Card>
    </div>
  );
}
