"use client";
import { useQuery } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { SelectField } from "@/app/_components/field";
import { useTRPC } from "@/app/_components/trpc";
import { Button } from "@/app/_components/ui";
import type { DiffLine } from "@/server/reports/line-diff";

type Version = { id: number; version: number; createdAt: Date | string };

/** Unchanged lines kept around each change; longer unchanged runs fold into one line. */
const CONTEXT = 3;

type Row = { kind: "line"; line: DiffLine } | { kind: "fold"; count: number; key: string };

function fold(lines: readonly DiffLine[]): Row[] {
  const rows: Row[] = [];
  let i = 0;
  while (i < lines.length) {
    if (lines[i]?.op !== "same") {
      rows.push({ kind: "line", line: lines[i] as DiffLine });
      i++;
      continue;
    }
    let j = i;
    while (j < lines.length && lines[j]?.op === "same") j++;
    const keepHead = i === 0 ? 0 : CONTEXT;
    const keepTail = j === lines.length ? 0 : CONTEXT;
    if (j - i > keepHead + keepTail + 1) {
      for (let k = i; k < i + keepHead; k++) rows.push({ kind: "line", line: lines[k] as DiffLine });
      rows.push({ kind: "fold", count: j - i - keepHead - keepTail, key: `fold-${i}` });
      for (let k = j - keepTail; k < j; k++) rows.push({ kind: "line", line: lines[k] as DiffLine });
    } else {
      for (let k = i; k < j; k++) rows.push({ kind: "line", line: lines[k] as DiffLine });
    }
    i = j;
  }
  return rows;
}

const SIGN = { same: " ", add: "+", del: "−" } as const;
const TONE = {
  same: "",
  add: "bg-emerald-50 text-emerald-900 dark:bg-emerald-950/50 dark:text-emerald-200",
  del: "bg-red-50 text-red-900 dark:bg-red-950/50 dark:text-red-200",
} as const;

/**
 * Two versions of the job's script side by side in one column: lines removed (−) and added (+),
 * unchanged runs folded. Choosing "use this version" points the job at the right-hand one
 * (a rollback is choosing an older version, then saving).
 */
export function ScriptDiff({
  versions,
  currentId,
  onUse,
}: {
  versions: readonly Version[];
  currentId: number;
  onUse: (id: number) => void;
}) {
  const t = useTranslations("reports.diff");
  const trpc = useTRPC();
  const newestFirst = [...versions].sort((a, b) => b.version - a.version);
  const current = newestFirst.find((v) => v.id === currentId) ?? newestFirst[0];
  // The job's version beside the one before it; the oldest beside the newest.
  const older = newestFirst.find((v) => v.version < (current?.version ?? 0));
  const [fromId, setFromId] = useState(older?.id ?? current?.id ?? 0);
  const [toId, setToId] = useState(older ? (current?.id ?? 0) : (newestFirst[0]?.id ?? 0));
  const diff = useQuery(
    trpc.reports.scripts.diff.queryOptions({ fromId, toId }, { enabled: fromId > 0 && toId > 0 }),
  );
  if (versions.length < 2) return <p className="text-sm text-gray-500">{t("needTwo")}</p>;
  const options = newestFirst.map((v) => ({ value: String(v.id), label: `v${v.version}` }));
  const d = diff.data;
  return (
    <div className="min-w-0 space-y-3" data-testid="script-diff">
      <div className="flex flex-wrap items-end gap-3">
        <SelectField
          id="diff-from"
          label={t("from")}
          className="w-28"
          value={String(fromId)}
          onChange={(e) => setFromId(Number(e.target.value))}
          options={options}
        />
        <SelectField
          id="diff-to"
          label={t("to")}
          className="w-28"
          value={String(toId)}
          onChange={(e) => setToId(Number(e.target.value))}
          options={options}
        />
        {toId !== currentId && (
          <Button variant="secondary" onClick={() => onUse(toId)} data-testid="diff-use">
            {t("use")}
          </Button>
        )}
      </div>
      {d && (
        <>
          <p className="text-sm" data-testid="diff-counts">
            {d.added || d.removed ? t("counts", { added: d.added, removed: d.removed }) : t("same")}
          </p>
          {d.cut && <p className="text-xs text-amber-700 dark:text-amber-300">{t("cut")}</p>}
          {(d.added > 0 || d.removed > 0) && (
            <div className="max-h-[32rem] overflow-auto rounded-lg ring-1 ring-gray-200 dark:ring-gray-800">
              <table className="w-full border-collapse font-mono text-xs" data-testid="diff-table">
                <tbody>
                  {fold(d.lines).map((row, i) =>
                    row.kind === "fold" ? (
                      <tr key={row.key} className="bg-gray-50 text-gray-500 dark:bg-gray-800/60">
                        <td colSpan={4} className="px-2 py-1 text-center">
                          ⋯ {t("unchanged", { count: row.count })}
                        </td>
                      </tr>
                    ) : (
                      <tr key={`${row.line.op}-${i}`} className={TONE[row.line.op]} data-op={row.line.op}>
                        <td className="w-10 px-1 text-right text-gray-400 select-none">
                          {"a" in row.line ? row.line.a : ""}
                        </td>
                        <td className="w-10 px-1 text-right text-gray-400 select-none">
                          {"b" in row.line ? row.line.b : ""}
                        </td>
                        <td className="w-4 px-1 select-none">{SIGN[row.line.op]}</td>
                        <td className="px-1 whitespace-pre">{row.line.text}</td>
                      </tr>
                    ),
                  )}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </div>
  );
}
