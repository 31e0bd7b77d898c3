/**
 * Issue 7, Medium 9 (the better half): admins define named secrets once (Admin › Secrets,
 * tRPC `secrets.*`) and jobs reference them as `{{secret.NAME}}`; the value is substituted
 * only when a run starts, never shown, and redacted from run output and errors.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../server/db/client";
import { auditLog, runLogs, runs } from "../../server/db/schema";
import { runJobNow } from "../../server/jobs/jobs";
import { streamRedactor } from "../../server/runs/redact";
import { type KairosWorker, startWorker } from "../../worker/index";
import { ADMIN, type HitServer, makeJob, startHitServer, waitForFinishedRuns } from "../helpers/jobs";
import { callerFor, makeUser } from "../helpers/users";

const VALUE = "tok_9f8e7d6c5b4a3210";
let worker: KairosWorker;
let peer: HitServer;

beforeAll(async () => {
  peer = await startHitServer();
  worker = await startWorker({ databaseUrl: process.env.DATABASE_URL as string, concurrency: 4 });
});
afterAll(async () => {
  await worker?.stop();
  await peer?.close();
});

const logOf = async (runId: number) =>
  (await getDb().select().from(runLogs).where(eq(runLogs.runId, runId)).orderBy(runLogs.seq))
    .map((c) => c.data)
    .join("");

describe("named secrets", () => {
  it("are admin-only, and their values never come back", async () => {
    const admin = callerFor(await makeUser("admin"));
    const made = await admin.secrets.create({ name: "API_TOKEN", value: VALUE, description: "billing API" });
    for (const role of ["viewer", "operator"] as const) {
      const c = callerFor(await makeUser(role));
      await expect(c.secrets.list()).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(c.secrets.create({ name: "X", value: "y" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    }
    const list = await admin.secrets.list();
    expect(list.map((s) => s.name)).toEqual(["API_TOKEN"]);
    expect(JSON.stringify(list)).not.toContain(VALUE);
    await admin.secrets.update({ id: made.id, description: "billing API (prod)" });
    const audits = await getDb().select().from(auditLog).where(eq(auditLog.entityType, "secret"));
    expect(JSON.stringify(audits)).not.toContain(VALUE);
    await expect(admin.secrets.create({ name: "API_TOKEN", value: "x" })).rejects.toMatchObject({
      code: "CONFLICT",
    });
  });

  it("are substituted at run time, sent on the wire, and redacted from the output", async () => {
    const op = callerFor(await makeUser("operator"));
    // An operator may reference a secret without ever seeing it.
    const job = await op.jobs.create({
      name: "billing ping",
      cron: "0 0 1 1 *",
      mode: "http",
      command: `【url】${peer.url}/bill?key={{secret.API_TOKEN}}\n【headers】Authorization:Bearer {{secret.API_TOKEN}}`,
    });
    expect(JSON.stringify(await op.jobs.get({ id: job.id }))).not.toContain(VALUE);
    await runJobNow(getDb(), ADMIN, job.id);
    const [run] = await waitForFinishedRuns(job.id, 1);
    expect(run?.status).toBe("succeeded");
    const hit = peer.hits.find((h) => h.path.startsWith("/bill"));
    expect(hit?.headers.authorization).toBe(`Bearer ${VALUE}`);
    expect(hit?.path).toBe(`/bill?key=${VALUE}`);
    const log = await logOf(run?.id ?? 0);
    expect(log).toContain("/bill?key=");
    expect(log).not.toContain(VALUE);
  });

  it("are redacted from a command's output and error, with the job's own env values", async () => {
    const job = await makeJob({
      mode: "command",
      command:
        "【command】echo token={{secret.API_TOKEN}} pw=$DB_PASSWORD; exit 3\n【env】DB_PASSWORD=hunter2-hunter2",
    });
    await runJobNow(getDb(), ADMIN, job.id);
    const [run] = await waitForFinishedRuns(job.id, 1);
    const log = await logOf(run?.id ?? 0);
    expect(log).toContain("token=********");
    expect(log).toContain("pw=********");
    expect(log).not.toContain(VALUE);
    expect(log).not.toContain("hunter2-hunter2");
    const [row] = await getDb()
      .select()
      .from(runs)
      .where(eq(runs.id, run?.id ?? 0));
    expect(row?.error ?? "").not.toContain(VALUE);
  });

  it("catches a secret cut in two by a chunk boundary", () => {
    const r = streamRedactor<"stdout" | "stderr">([VALUE]);
    const parts = [
      r.write("stdout", `key=${VALUE.slice(0, 7)}`),
      r.write("stdout", `${VALUE.slice(7)} done\n`),
    ];
    parts.push(...r.flush().map(([, t]) => t));
    expect(parts.join("")).toBe("key=******** done\n");
    expect(r.write("stderr", "tok")).toBe("");
    expect(r.flush()).toEqual([["stderr", "tok"]]);
  });

  it("refuses a reference to a secret nobody defined, and a delete while a job uses it", async () => {
    const admin = callerFor(await makeUser("admin"));
    await expect(
      admin.jobs.create({
        name: "typo",
        cron: "* * * * *",
        mode: "http",
        command: "【url】https://x.test\n【headers】Authorization:Bearer {{secret.API_TOKN}}",
      }),
    ).rejects.toMatchObject({ message: expect.stringMatching(/no secret named API_TOKN/) });
    const [s] = await admin.secrets.list();
    expect(s?.usedBy.length).toBeGreaterThan(0);
    await expect(admin.secrets.delete({ id: s?.id ?? 0 })).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
    });
  });
});
