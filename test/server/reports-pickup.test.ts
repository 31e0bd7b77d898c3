/**
 * Issue 11, stage 3: mail-pickup jobs (seed 000's 邮件任务) — files dropped into
 * KAIROS_PICKUP_DIR under the job's prefix are mailed by a real worker to a real SMTP peer; none
 * there: the job looks again (each look in the run's log) and fails with an error mail after its
 * last look; a file is mailed once per job; the prefix cannot reach outside the folder.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "../../server/db/client";
import { jobs, outbox, pickupSentFiles, runLogs } from "../../server/db/schema";
import { createJob, runJobNow } from "../../server/jobs/jobs";
import { listRunFiles } from "../../server/reports/archive";
import { ADMIN, makeJob, runsOf, waitForFinishedRuns } from "../helpers/jobs";
import { reportWorkerFixture } from "../helpers/report-worker";
import { waitFor } from "../helpers/wait";

let pickup: string;
const fx = reportWorkerFixture("kairos-pickup-", (dataDir) => {
  pickup = path.join(dataDir, "drop");
  mkdirSync(pickup);
  return { KAIROS_PICKUP_DIR: pickup };
});

async function logOf(runId: number) {
  return (await getDb().select().from(runLogs).where(eq(runLogs.runId, runId)).orderBy(runLogs.seq))
    .map((c) => c.data)
    .join("");
}

const mailsTo = (address: string) =>
  fx.smtp.messages.filter((m) => (m.to as { text: string } | undefined)?.text.includes(address));

/** Written under a hidden name, then renamed: the job never sees a half-written file. */
function drop(name: string, text: string) {
  const tmp = path.join(pickup, `.${name}.part`);
  writeFileSync(tmp, text);
  renameSync(tmp, path.join(pickup, name));
}

const today = () => new Date().toISOString().slice(0, 10);

describe("mail-pickup jobs", () => {
  it("looks again until the file appears, mails it once, and a second run does not resend it", async () => {
    const job = await makeJob({
      mode: "mail_pickup",
      notifyEmails: ["oncall@example.com"],
      params: {
        prefix: "sales_{{ date }}",
        retryTimes: 30,
        retryIntervalSeconds: 1,
        afterSend: "leave",
        mail: {
          to: ["boss@example.com"],
          subject: "{{ filename }}",
          body: "<%render_html%>\n<p>附件：{{ filename }}</p>",
        },
      },
    });
    // Another day's file and a link to a file outside the folder, both matching nothing / refused.
    drop("sales_1999-01-01.csv", "a,b\n1,2\n");
    writeFileSync(path.join(fx.dataDir, "secret.csv"), "secret,1\n");
    symlinkSync(path.join(fx.dataDir, "secret.csv"), path.join(pickup, `sales_${today()}_link.csv`));

    await runJobNow(getDb(), ADMIN, job.id);
    const [first] = await runsOf(job.id);
    await waitFor(
      "the first look to find nothing",
      async () => /next look in 1 s/.test(await logOf(first?.id ?? 0)),
      30_000,
    );
    drop(`sales_${today()}.csv`, "region,amount\n华东,1234\n华南,567\n");

    const [run] = await waitForFinishedRuns(job.id, 1, 60_000, fx.worker);
    const log = await logOf(run?.id ?? 0);
    expect(run?.status, `${run?.error}\n${log}`).toBe("succeeded");
    expect(log).toMatch(/look 1\/30: /);
    expect(log).toMatch(/look [2-9]\/30: /);
    const mail = await waitFor("the report mail", () => mailsTo("boss@example.com")[0], 20_000);
    expect(mail.subject).toBe(`sales_${today()}`);
    expect(mail.attachments.map((a) => a.filename)).toEqual([`sales_${today()}.csv`]);
    expect(mail.html).toContain("<td>华东</td>");
    expect(mail.html).toContain(`附件：sales_${today()}`);
    const files = await listRunFiles(getDb(), run?.id ?? 0);
    expect(files.map((f) => f.name)).toEqual([`sales_${today()}.csv`]);
    // "leave": the file stays in the pickup folder…
    expect(existsSync(path.join(pickup, `sales_${today()}.csv`))).toBe(true);

    // …and the next run finds it already mailed, looks its looks, and fails with an error mail.
    const [stored] = await getDb().select().from(jobs).where(eq(jobs.id, job.id));
    await getDb()
      .update(jobs)
      .set({ params: { ...(stored?.params as object), retryTimes: 2 } })
      .where(eq(jobs.id, job.id));
    await runJobNow(getDb(), ADMIN, job.id);
    const [, second] = await waitForFinishedRuns(job.id, 2, 60_000, fx.worker);
    const log2 = await logOf(second?.id ?? 0);
    expect(second?.status, log2).toBe("failed");
    expect(log2).toContain(`already mailed: sales_${today()}.csv`);
    expect(second?.error).toMatch(/no new file starting with "sales_\d{4}-\d{2}-\d{2}" .* after 2 looks/);
    const error = await waitFor("the error mail", () => mailsTo("oncall@example.com")[0], 20_000);
    expect(error.text).toMatch(/no new file/);
    expect(mailsTo("boss@example.com")).toHaveLength(1);
    const sent = await getDb().select().from(pickupSentFiles).where(eq(pickupSentFiles.jobId, job.id));
    expect(sent.map((f) => [f.name, f.runId])).toEqual([[`sales_${today()}.csv`, run?.id]]);
    const queued = await getDb().select().from(outbox);
    expect(queued.filter((m) => m.to.includes("boss@example.com"))).toHaveLength(1);
    expect(
      JSON.stringify(fx.smtp.messages.map((m) => m.attachments.map((a) => a.content.toString()))),
    ).not.toContain("secret");
  });

  it("moves a mailed file out of the folder (archive), and mails it again only when asked", async () => {
    drop("orders_a.csv", "id,total\n1,10\n");
    const job = await makeJob({
      mode: "mail_pickup",
      params: { prefix: "orders_", retryTimes: 1, mail: { to: ["orders@example.com"] } },
    });
    await runJobNow(getDb(), ADMIN, job.id);
    const [run] = await waitForFinishedRuns(job.id, 1, 30_000, fx.worker);
    expect(run?.status, run?.error ?? "").toBe("succeeded");
    expect(existsSync(path.join(pickup, "orders_a.csv"))).toBe(false);
    const [file] = await listRunFiles(getDb(), run?.id ?? 0);
    expect(readFileSync(path.join(fx.dataDir, file?.path ?? "")).toString()).toBe("id,total\n1,10\n");

    // The same bytes dropped again are not mailed again by this job…
    drop("orders_a.csv", "id,total\n1,10\n");
    await runJobNow(getDb(), ADMIN, job.id);
    const [, again] = await waitForFinishedRuns(job.id, 2, 30_000, fx.worker);
    expect(again?.status).toBe("failed");
    expect(await logOf(again?.id ?? 0)).toContain("already mailed: orders_a.csv");
    // …unless the job says so.
    const resend = await makeJob({
      mode: "mail_pickup",
      params: {
        prefix: "orders_",
        retryTimes: 1,
        resend: true,
        afterSend: "leave",
        mail: { to: ["orders@example.com"] },
      },
    });
    for (const n of [1, 2]) {
      await runJobNow(getDb(), ADMIN, resend.id);
      const rs = await waitForFinishedRuns(resend.id, n, 30_000, fx.worker);
      expect(rs[n - 1]?.status, rs[n - 1]?.error ?? "").toBe("succeeded");
    }
    await waitFor("three order mails", () => mailsTo("orders@example.com").length >= 3 || null, 20_000);
  });

  it("refuses a prefix that would leave the folder, at save and when it renders to one", async () => {
    const save = (prefix: string) =>
      createJob(getDb(), ADMIN, {
        name: `escape ${prefix}`,
        cron: "0 0 1 1 *",
        timezone: "UTC",
        mode: "mail_pickup",
        params: { prefix, mail: { to: ["x@example.com"] } },
      });
    await expect(save("../secret")).rejects.toThrow(/no \/ or/);
    await expect(save("..")).rejects.toThrow(/prefix/);
    await expect(save("{% if %}")).rejects.toThrow(/line 1/);
    const job = await save(`{{ "..%c" | format(47) }}secret`);
    await runJobNow(getDb(), ADMIN, job.id);
    const [run] = await waitForFinishedRuns(job.id, 1, 30_000, fx.worker);
    expect(run?.status).toBe("failed");
    expect(run?.error).toMatch(/prefix: .*not a file name start/);
    const noTo = createJob(getDb(), ADMIN, {
      name: "no recipients",
      cron: "0 0 1 1 *",
      timezone: "UTC",
      mode: "mail_pickup",
      params: { prefix: "x", mail: {} },
    });
    await expect(noTo).rejects.toThrow(/at least one recipient/);
  });
});
