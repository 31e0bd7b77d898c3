import { sql } from "drizzle-orm";
import { createElement } from "react";
import { FailedRun } from "../../emails/failed-run";
import type { Db } from "../db/client";
import { retryingTransaction } from "../db/retry";
import { isLocale } from "../i18n/locale";
import { translator } from "../i18n/messages";
import { displayTimeZone } from "../i18n/zone";
import { publicUrl } from "../lib/app-info";
import type { JobPolicy } from "../lib/enums";
import { formatMailTime } from "../lib/local-time";
import { log } from "../lib/log";
import { sendMail } from "../mail/outbox";
import { recipientGroups } from "../mail/recipients";
import { renderEmail } from "../mail/render";
import { createRuns, type RunSpec } from "./create";
import { runErrorText } from "./error-text";
import { runLogTail } from "./log";
import type { RunOutcome, StartedRun } from "./store";

const BAD = new Set(["failed", "timed_out", "lost"]);

/**
 * What follows the end of a run: a retry (with exponential backoff) while attempts remain;
 * otherwise the chained jobs (on success / on final failure) and, on final failure, a mail to
 * the job's notification addresses.
 */
export async function afterRun(db: Db, run: StartedRun, outcome: Pick<RunOutcome, "status" | "error">) {
  const l = log("runs").child({ runId: run.id, jobId: run.job.id });
  try {
    const bad = BAD.has(outcome.status);
    const retrying = bad && run.attempt <= run.job.retries;
    const specs: RunSpec[] = [];
    if (retrying) {
      const delayS = run.job.retryBackoffSeconds * 2 ** (run.attempt - 1);
      specs.push({
        jobId: run.job.id,
        policy: run.job.policy,
        trigger: "retry",
        scheduledAt: new Date(Date.now() + delayS * 1000),
        runAt: new Date(Date.now() + delayS * 1000),
        attempt: run.attempt + 1,
        parentRunId: run.id,
      });
    }
    const chained =
      outcome.status === "succeeded"
        ? run.job.onSuccessStart
        : bad && !retrying
          ? run.job.onFailureStart
          : [];
    if (chained.length) {
      const targets = await db.execute<{ id: string; policy: JobPolicy }>(
        sql`select id, policy from jobs where id = any(${sql.param(chained)}::bigint[])`,
      );
      for (const t of targets) {
        specs.push({
          jobId: Number(t.id),
          policy: t.policy,
          trigger: "chain",
          scheduledAt: new Date(),
          parentRunId: run.id,
        });
      }
    }
    if (specs.length) await retryingTransaction(db, "queue follow-up runs", (tx) => createRuns(tx, specs));
    if (bad && !retrying && run.job.notifyEmails.length) await notifyFailure(db, run, outcome);
  } catch (err) {
    l.error({ err }, "follow-up of a run failed");
  }
}

async function notifyFailure(db: Db, run: StartedRun, outcome: Pick<RunOutcome, "status" | "error">) {
  // Outside addresses read the job owner's language and zone; Kairos users their own settings.
  const [owner] = await db.execute<{ locale: string | null; time_zone: string | null }>(
    sql`select locale, time_zone from users where id = ${run.job.ownerId ?? -1}`,
  );
  const fallback = {
    locale: isLocale(owner?.locale) ? owner.locale : "en",
    timeZone: owner?.time_zone || displayTimeZone(),
  } as const;
  const logTail = await runLogTail(db, run.id);
  const finishedAt = new Date();
  for (const group of await recipientGroups(db, run.job.notifyEmails, fallback)) {
    const { locale, timeZone } = group;
    const { html, text: plain } = await renderEmail(
      createElement(FailedRun, {
        locale,
        jobName: run.job.name,
        runId: run.id,
        status: outcome.status,
        error: runErrorText(outcome.error, locale) ?? outcome.status,
        attempt: run.attempt,
        scheduledAt: formatMailTime(run.scheduledAt, timeZone),
        finishedAt: formatMailTime(finishedAt, timeZone),
        logTail,
        runUrl: `${publicUrl()}/runs/${run.id}`,
        url: publicUrl(),
      }),
    );
    const t = translator(locale);
    await sendMail(db, {
      kind: "job-failure",
      to: group.to,
      subject: `[Kairos] ${t("email.failedRun.subject", { job: run.job.name, status: t(`runs.statusName.${outcome.status}` as never) })} (#${run.id})`,
      html,
      text: plain,
    });
  }
}
