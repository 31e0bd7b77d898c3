import http from "node:http";
import { asc, eq } from "drizzle-orm";
import { getDb } from "../../server/db/client";
import { jobs, runs } from "../../server/db/schema";
import { createJob } from "../../server/jobs/jobs";
import type { JobInput } from "../../server/jobs/schema";
import type { KairosWorker } from "../../worker/index";
import { untilWorker } from "./events";
import { waitFor } from "./wait";

export const ADMIN = { id: null, name: "test-admin", role: "admin" as const };

let n = 0;
/** A job with sensible test defaults (UTC, stopped unless a schedule is wanted). */
export function makeJob(input: Partial<JobInput> & Pick<JobInput, "mode">) {
  n++;
  return createJob(getDb(), ADMIN, {
    name: `job ${n} ${Math.random().toString(36).slice(2, 7)}`,
    cron: "0 0 1 1 *",
    timezone: "UTC",
    ...input,
  } as JobInput);
}

export async function runsOf(jobId: number) {
  return getDb().select().from(runs).where(eq(runs.jobId, jobId)).orderBy(asc(runs.id));
}

export async function jobRow(jobId: number) {
  const [row] = await getDb().select().from(jobs).where(eq(jobs.id, jobId));
  return row;
}

const FINISHED = new Set(["succeeded", "failed", "timed_out", "cancelled", "skipped", "lost"]);

/**
 * Waits until the job has at least `count` runs, all finished; returns them. Given the worker
 * of this process, it looks again on each of its events instead of polling.
 */
export function waitForFinishedRuns(jobId: number, count: number, timeoutMs = 20_000, worker?: KairosWorker) {
  const what = `${count} finished runs of job ${jobId}`;
  const check = async () => {
    const rs = await runsOf(jobId);
    return rs.length >= count && rs.slice(0, count).every((r) => FINISHED.has(r.status)) ? rs : null;
  };
  return worker ? untilWorker(worker, what, check, timeoutMs) : waitFor(what, check, timeoutMs, 50);
}

export type HitServer = {
  url: string;
  hits: { at: number; path: string; headers: http.IncomingHttpHeaders }[];
  close: () => Promise<void>;
};

/** A real HTTP peer on 127.0.0.1 that records every request. `/slow?ms=N` answers after N ms. */
export async function startHitServer(): Promise<HitServer> {
  const hits: HitServer["hits"] = [];
  const server = http.createServer((req, res) => {
    hits.push({ at: Date.now(), path: req.url ?? "", headers: req.headers });
    const url = new URL(req.url ?? "/", "http://x");
    const ms = Number(url.searchParams.get("ms") ?? 0);
    const status = Number(url.searchParams.get("status") ?? 200);
    setTimeout(() => res.writeHead(status, { "content-type": "text/plain" }).end(`ok ${url.pathname}`), ms);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
