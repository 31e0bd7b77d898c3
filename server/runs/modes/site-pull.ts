import { getDb } from "../../db/client";
import { pullSite } from "../../sites/pull";
import type { ExecResult, Executor } from "../executor";
import type { SitePullParams } from "./params";

/**
 * The `site_pull` mode (issue 12): one job per site pulls its daily files. The run's output
 * says, per file, the bytes, lines and bad lines taken; a file that could not be fetched fails
 * the run (the others are still stored), a file not there yet does not.
 */
export const runSitePull: Executor<SitePullParams> = async (params, ctx): Promise<ExecResult> => {
  const report = await pullSite(getDb(), params.siteId, {
    signal: ctx.signal,
    say: (line) => ctx.out.write("stdout", `${line}\n`),
  });
  const failed = report.files.filter((f) => f.status === "failed");
  const t = report.totals;
  ctx.out.write(
    "stdout",
    `site ${report.site}: ${t.bytes} bytes, ${t.lines} lines, ${t.bad} bad lines, ${t.samples} samples, ` +
      `${t.alarmsNew} new alarms, ${t.alarmsUpdated} alarm updates, ${t.counters} counter rows\n`,
  );
  return {
    ok: failed.length === 0,
    error: failed.length ? failed.map((f) => `${f.file}: ${f.error}`).join("; ") : null,
    result: {
      site: report.site,
      ...t,
      files: report.files.map((f) => ({
        file: f.file,
        status: f.status,
        bytes: f.bytes,
        offset: f.offset,
        bad: f.counts.bad,
      })),
    },
  };
};
