import { constants as fsConstants } from "node:fs";
import { copyFile, lstat, unlink } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { getDb } from "../../db/client";
import { env } from "../../lib/env";
import { archiveRunFiles, prepareRunDir } from "../../reports/archive";
import {
  alreadySent,
  claimPickupFiles,
  lookForPickupFiles,
  type PickupFile,
  releasePickupFiles,
  renderPrefix,
} from "../../reports/pickup";
import { runDate } from "../../reports/render";
import { TemplateProblem } from "../../reports/template";
import type { ExecContext, ExecResult, Executor } from "../executor";
import type { MailPickupParams } from "./params";
import { mailRunFiles, runFacts } from "./script";

/** The job's look count and spacing: its own, else the env's (the seed's RETRY_TIMES / RETRY_INTERVAL). */
export function pickupRetries(params: Pick<MailPickupParams, "retryTimes" | "retryIntervalSeconds">) {
  const e = env();
  return {
    times: params.retryTimes ?? e.KAIROS_PICKUP_RETRY_TIMES,
    intervalSeconds: params.retryIntervalSeconds ?? e.KAIROS_PICKUP_RETRY_INTERVAL,
  };
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Waits, or returns false as soon as the run is stopped or times out. */
async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

/**
 * The `mail_pickup` mode (issue 11, seed 000's 邮件任务): at the scheduled time, look in the
 * pickup folder for files whose names start with the job's prefix and that the job has not
 * mailed yet; none: look again `times` looks in all, each one written to the run's log; then
 * fail (the failure mail goes to the job's error addresses as for any failed run). Found: the
 * files are copied into the run's report folder (so they are the run's report files, listed,
 * downloadable and shareable like a script's), mailed with the job's template, recorded as sent,
 * and moved out of the pickup folder unless the job leaves them.
 */
export const runMailPickup: Executor<MailPickupParams> = async (params, ctx) => {
  const db = getDb();
  const facts = await runFacts(ctx.runId);
  if (!facts) return { ok: false, error: `run ${ctx.runId} vanished` };
  const dir = env().pickupDir;
  const { times, intervalSeconds } = pickupRetries(params);
  let prefix: string;
  try {
    prefix = renderPrefix(params.prefix, {
      date: runDate(facts.scheduledAt, facts.timezone),
      job: { id: ctx.jobId, name: facts.jobName },
      run: { id: ctx.runId, scheduledAt: facts.scheduledAt.toISOString(), attempt: facts.attempt },
    });
  } catch (e) {
    return { ok: false, error: `prefix: ${message(e)}` };
  }

  let picked: PickupFile[] = [];
  for (let look = 1; look <= times; look++) {
    if (ctx.signal.aborted) return { ok: false, error: "aborted" };
    ctx.out.write("system", `look ${look}/${times}: ${path.join(dir, prefix)}*\n`);
    try {
      const found = await lookForPickupFiles(dir, prefix);
      const sent = params.resend ? new Set<string>() : await alreadySent(db, ctx.jobId, found.files);
      picked = found.files.filter((f) => !sent.has(f.name));
      if (sent.size) ctx.out.write("system", `  already mailed: ${[...sent].join(", ")}\n`);
      if (found.busy.length) ctx.out.write("system", `  still being written: ${found.busy.join(", ")}\n`);
    } catch (e) {
      ctx.out.write("stderr", `  ${message(e)}\n`);
    }
    if (picked.length) {
      const claimed = await claimPickupFiles(db, ctx.jobId, ctx.runId, picked, params.resend);
      picked = picked.filter((f) => claimed.names.has(f.name));
      if (picked.length) return await mailPicked(params, ctx, facts, picked, claimed.ids);
      ctx.out.write("system", "  taken by another run of this job\n");
    }
    if (look < times) {
      ctx.out.write("system", `  no new file; next look in ${intervalSeconds} s\n`);
      if (!(await pause(intervalSeconds * 1000, ctx.signal))) return { ok: false, error: "aborted" };
    }
  }
  return {
    ok: false,
    error: `no new file starting with "${prefix}" in ${dir} after ${times} look${times === 1 ? "" : "s"}`,
    result: { looks: times, prefix },
  };
};

async function mailPicked(
  params: MailPickupParams,
  ctx: ExecContext,
  facts: NonNullable<Awaited<ReturnType<typeof runFacts>>>,
  picked: PickupFile[],
  claimIds: number[],
): Promise<ExecResult> {
  const db = getDb();
  try {
    const outDir = await prepareRunDir(ctx.jobId, ctx.runId, null);
    for (const f of picked) await copyFile(f.abs, path.join(outDir, f.name), fsConstants.COPYFILE_EXCL);
    const archived = await archiveRunFiles(db, {
      runId: ctx.runId,
      jobId: ctx.jobId,
      dir: outDir,
      runAs: null,
    });
    for (const f of archived.files) ctx.out.write("system", `report file: ${f.name} (${f.size} bytes)\n`);
    const mailed = await mailRunFiles(db, params.mail, archived.files, ctx, facts);
    if (params.afterSend === "archive") await moveOut(picked, ctx);
    return {
      ok: true,
      result: {
        files: picked.map((f) => f.name),
        ...(mailed.sent ? { mailId: mailed.outboxId } : { mail: mailed.reason }),
      },
    };
  } catch (e) {
    await releasePickupFiles(db, claimIds);
    const part = e instanceof TemplateProblem ? `template (${e.part ?? "body"})` : "mail";
    ctx.out.write("stderr", `${part}: ${message(e)}\n`);
    return { ok: false, error: `${part} error: ${message(e)}`, result: { files: picked.map((f) => f.name) } };
  }
}

/** The mailed files leave the pickup folder (their copy is the run's report) unless they changed since. */
async function moveOut(picked: PickupFile[], ctx: ExecContext) {
  for (const f of picked) {
    const now = await lstat(f.abs).catch(() => undefined);
    if (!now) continue;
    if (now.size !== f.size || now.mtimeMs !== f.mtimeMs) {
      ctx.out.write("system", `left ${f.name}: it changed after it was read\n`);
      continue;
    }
    await unlink(f.abs).then(
      () => ctx.out.write("system", `moved ${f.name} into the run's report\n`),
      (e) => ctx.out.write("stderr", `could not remove ${f.name} from the pickup folder: ${message(e)}\n`),
    );
  }
}
