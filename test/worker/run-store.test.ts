import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { type Db, getDb } from "../../server/db/client";
import { runJobNow } from "../../server/jobs/jobs";
import { readRunLog } from "../../server/runs/log";
import { thisHost } from "../../server/runs/orphans";
import { RunOutputBuffer } from "../../server/runs/output";
import { type RunOutcome, RunStore } from "../../server/runs/store";
import { ADMIN, jobRow, makeJob, runsOf } from "../helpers/jobs";
import { waitFor } from "../helpers/wait";

// The run store's end-of-run write (issues 8 and 9): one statement per batch, run locks in id
// order, the job's last-run columns taken only when free — and a command's process-group mark
// folded into it when it had not gone out yet.

function outcome(id: number): RunOutcome {
  const now = new Date();
  return {
    id,
    startedAt: now,
    finishedAt: now,
    status: "succeeded",
    exitCode: 0,
    httpStatus: null,
    error: null,
    result: undefined,
    outputBytes: 0,
    outputTruncated: false,
  };
}

/** The real database, with its statements counted (every call still goes to Postgres). */
function countingDb(): { db: Db; statements: () => number } {
  let n = 0;
  const real = getDb();
  const db = new Proxy(real, {
    get(target, prop, receiver) {
      if (prop === "execute") {
        return (...args: Parameters<Db["execute"]>) => {
          n++;
          return target.execute(...args);
        };
      }
      return Reflect.get(target, prop, receiver);
    },
  });
  return { db, statements: () => n };
}

async function queuedCommandRun() {
  const job = await makeJob({ mode: "command", command: "【command】true" });
  const run = await runJobNow(getDb(), ADMIN, job.id);
  return { jobId: job.id, runId: run.id };
}

describe("run store: recording run ends", () => {
  it("writes a quick command's end and its process group in one statement", async () => {
    const { jobId, runId } = await queuedCommandRun();
    const { db, statements } = countingDb();
    const store = new RunStore(db, "store-test-worker");
    // The process group is reported, then the process ends, before the mark's statement goes.
    const marked = store.markRunning(runId, new Date(), 4242);
    const ended = store.finish(outcome(runId));
    expect(await Promise.all([marked, ended])).toEqual([true, true]);
    expect(statements()).toBe(1);
    const [r] = await runsOf(jobId);
    expect(r).toMatchObject({
      status: "succeeded",
      pgid: 4242,
      host: thisHost(),
      workerId: "store-test-worker",
    });
    expect(r?.finishedAt).not.toBeNull();
    expect((await jobRow(jobId))?.lastRunId).toBe(runId);
  });

  it("records the run at once while another transaction holds its job, and the job's last run after", async () => {
    const { jobId, runId } = await queuedCommandRun();
    const store = new RunStore(getDb(), "store-test-worker");
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => {
      locked = r;
    });
    // As Stop or the scheduler's claim would: the job row locked, in a transaction left open.
    const holder = getDb().transaction(async (tx) => {
      await tx.execute(sql`select id from jobs where id = ${jobId} for no key update`);
      locked();
      await held;
    });
    await isLocked;
    const ended = store.finish(outcome(runId));
    // The run's end is committed while the job is still held: no run lock waits for a job lock.
    await waitFor(
      "the run's end to be committed",
      async () => (await runsOf(jobId))[0]?.status === "succeeded",
    );
    expect((await jobRow(jobId))?.lastRunId).toBeNull();
    release();
    await holder;
    expect(await ended).toBe(true);
    expect((await jobRow(jobId))?.lastRunId).toBe(runId);
  });

  it("stores a run's last output with its end record in one statement; a run ended elsewhere still gets its output", async () => {
    const { jobId, runId } = await queuedCommandRun();
    const { db, statements } = countingDb();
    const store = new RunStore(db, "store-test-worker");
    const buffer = new RunOutputBuffer(runId, 1024, (chunks) => store.append(chunks));
    buffer.write("system", "$ true\n");
    buffer.write("stdout", "hello\n");
    const written = await buffer.end();
    expect(written.rest.map((c) => c.seq)).toEqual([0, 1]);
    expect(await store.finish({ ...outcome(runId), outputBytes: written.bytes, logs: written.rest })).toBe(
      true,
    );
    expect(statements()).toBe(1);
    expect((await readRunLog(getDb(), { id: runId })).map((l) => [l.stream, l.data])).toEqual([
      ["system", "$ true\n"],
      ["stdout", "hello\n"],
    ]);
    expect((await runsOf(jobId))[0]).toMatchObject({ status: "succeeded", outputBytes: 13 });

    // The same run ended again (as if the sweep had marked it lost first): the record is not
    // written, nor is the output by it; given back to the buffer, the output is stored after all.
    const again = new RunOutputBuffer(runId, 1024, (chunks) => store.append(chunks));
    again.write("system", "late line\n");
    const late = await again.end();
    expect(late.rest[0]?.seq).toBe(0);
    const shifted = late.rest.map((c) => ({ ...c, seq: c.seq + 2 }));
    expect(await store.finish({ ...outcome(runId), logs: shifted })).toBe(false);
    expect(await readRunLog(getDb(), { id: runId })).toHaveLength(2);
    await again.restore(shifted);
    expect((await readRunLog(getDb(), { id: runId })).map((l) => l.data)).toEqual([
      "$ true\n",
      "hello\n",
      "late line\n",
    ]);
  });
});
