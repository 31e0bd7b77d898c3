/** Commands that talk to a running Kairos over /api/v1 with an API token. */
import { readFileSync, writeFileSync } from "node:fs";
import { jobInputFromCompat, ZCompatJobAdd } from "../server/api/compat/jobs-map";
import { CliError, EXIT, exitCodeOfStatus, printJson, table, usage, when } from "./output";

export type Conn = { url: string; token: string };

type ApiErrorBody = { error?: { message?: string; fields?: Record<string, string[]> | null } };

export class Api {
  constructor(private readonly conn: Conn) {}

  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.conn.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.conn.token}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      throw new CliError(
        `cannot reach Kairos at ${this.conn.url}: ${cause?.code ?? cause?.message ?? (e as Error).message}`,
        EXIT.UNREACHABLE,
      );
    }
    const text = await res.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {}
    if (!res.ok) {
      const b = json as ApiErrorBody & { msg?: string };
      const msg = b?.error?.message ?? b?.msg ?? `HTTP ${res.status}`;
      throw new CliError(msg, exitCodeOfStatus(res.status));
    }
    return json as T;
  }
}

type Job = {
  id: number;
  name: string;
  mode: string;
  cron: string;
  timezone: string;
  displayState: string;
  nextFireAt: string | null;
  lastRunStatus: string | null;
  lastRunAt: string | null;
  onSuccessStart: number[];
  onFailureStart: number[];
} & Record<string, unknown>;
type Page<T> = { items: T[]; total: number; page: number; size: number };
type Run = {
  id: number;
  status: string;
  trigger: string;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
};
type RunLog = { status: string; finished: boolean; nextSeq: number; chunks: { seq: number; data: string }[] };

export async function jobsList(
  api: Api,
  o: { page?: string; size?: string; q?: string; state?: string; json?: boolean },
) {
  const qs = new URLSearchParams({ page: o.page ?? "1", size: o.size ?? "50" });
  if (o.q) qs.set("q", o.q);
  if (o.state) qs.set("state", o.state);
  const r = await api.call<Page<Job>>("GET", `/api/v1/jobs?${qs}`);
  if (o.json) return printJson(r);
  if (!r.items.length) return console.log("no jobs");
  console.log(
    table(
      ["ID", "NAME", "MODE", "CRON", "STATE", "NEXT", "LAST RUN"],
      r.items.map((j) => [
        j.id,
        j.name,
        j.mode,
        j.cron,
        j.displayState,
        when(j.nextFireAt),
        j.lastRunStatus ? `${j.lastRunStatus} ${when(j.lastRunAt)}` : "-",
      ]),
    ),
  );
  const pages = Math.max(1, Math.ceil(r.total / r.size));
  if (pages > 1) process.stderr.write(`page ${r.page} of ${pages} (${r.total} jobs); --page N for more\n`);
}

function readJsonFile(file: string | undefined): unknown {
  if (!file) throw usage("give the file with -f <file.json>");
  let text: string;
  try {
    text = file === "-" ? readFileSync(0, "utf8") : readFileSync(file, "utf8");
  } catch (e) {
    throw new CliError(`cannot read ${file}: ${(e as Error).message}`, EXIT.USAGE);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CliError(`${file} is not valid JSON: ${(e as Error).message}`, EXIT.INVALID);
  }
}

/** A job as a file may hold it: Kairos's fields, or TimerJobs's (cron_expr, desc, allow_mode…). */
function toJobInput(raw: unknown): Record<string, unknown> {
  if (!raw || typeof raw !== "object" || Array.isArray(raw))
    throw new CliError("a job must be a JSON object", EXIT.INVALID);
  const o = raw as Record<string, unknown>;
  if ("cron_expr" in o) {
    const r = ZCompatJobAdd.safeParse(o);
    if (!r.success) {
      throw new CliError(
        r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
        EXIT.INVALID,
      );
    }
    return jobInputFromCompat(r.data) as Record<string, unknown>;
  }
  const { id: _id, ...rest } = o;
  return rest;
}

function jobsOf(data: unknown): unknown[] {
  if (Array.isArray(data)) return data;
  if (data && typeof data === "object" && Array.isArray((data as { jobs?: unknown }).jobs)) {
    return (data as { jobs: unknown[] }).jobs;
  }
  return [data];
}

export async function jobsAdd(api: Api, o: { file?: string; json?: boolean }) {
  const created: Job[] = [];
  for (const raw of jobsOf(readJsonFile(o.file))) {
    created.push(await api.call<Job>("POST", "/api/v1/jobs", toJobInput(raw)));
  }
  if (o.json) return printJson(created.length === 1 ? created[0] : created);
  for (const j of created) console.log(`created job ${j.id} (${j.name}), next fire ${when(j.nextFireAt)}`);
}

async function printRunOutput(
  api: Api,
  runId: number,
  afterSeq = -1,
): Promise<{ nextSeq: number; finished: boolean; status: string }> {
  let after = afterSeq;
  while (true) {
    const log = await api.call<RunLog>("GET", `/api/v1/runs/${runId}/log?afterSeq=${after}&limit=1000`);
    for (const c of log.chunks) process.stdout.write(c.data);
    after = log.nextSeq;
    if (log.chunks.length < 1000) return { nextSeq: after, finished: log.finished, status: log.status };
  }
}

export async function jobsRun(api: Api, id: string | undefined, o: { wait?: boolean; json?: boolean }) {
  if (!id || !/^\d+$/.test(id)) throw usage("jobs run needs a job id");
  const run = await api.call<{ id: number; status: string }>("POST", `/api/v1/jobs/${id}/run`);
  if (!o.wait) {
    if (o.json) printJson(run);
    else console.log(`run ${run.id} ${run.status}`);
    return EXIT.OK;
  }
  let seq = -1;
  while (true) {
    const r = await printRunOutput(api, run.id, seq);
    seq = r.nextSeq;
    if (r.finished) {
      const final = await api.call<Run>("GET", `/api/v1/runs/${run.id}`);
      if (o.json) printJson(final);
      else process.stderr.write(`run ${run.id} ${final.status}${final.error ? `: ${final.error}` : ""}\n`);
      return final.status === "succeeded" ? EXIT.OK : EXIT.FAILED;
    }
    await new Promise((res) => setTimeout(res, 500));
  }
}

/** A job's latest runs with their output; --follow keeps printing new output and new runs. */
export async function jobsLogs(
  api: Api,
  id: string | undefined,
  o: { follow?: boolean; runs?: string; json?: boolean },
) {
  if (!id || !/^\d+$/.test(id)) throw usage("jobs logs needs a job id");
  const n = Math.min(200, Math.max(1, Number(o.runs ?? 5) || 5));
  const page = await api.call<Page<Run>>("GET", `/api/v1/jobs/${id}/runs?size=${n}`);
  const runs = [...page.items].reverse();
  if (o.json && !o.follow) {
    const out = [];
    for (const r of runs) {
      const log = await api.call<RunLog>("GET", `/api/v1/runs/${r.id}/log?limit=5000`);
      out.push({ ...r, output: log.chunks.map((c) => c.data).join("") });
    }
    return printJson(out);
  }
  const open = new Map<number, number>();
  let lastId = 0;
  const show = async (r: Run) => {
    process.stdout.write(`── run ${r.id} · ${r.trigger} · ${r.status} · ${when(r.startedAt)}\n`);
    const res = await printRunOutput(api, r.id);
    if (!res.finished) open.set(r.id, res.nextSeq);
    lastId = Math.max(lastId, r.id);
  };
  for (const r of runs) await show(r);
  if (!o.follow) return;
  let stop = false;
  const onSignal = () => {
    stop = true;
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  while (!stop) {
    await new Promise((res) => setTimeout(res, 1000));
    for (const [runId, seq] of open) {
      const res = await printRunOutput(api, runId, seq);
      if (res.finished) {
        open.delete(runId);
        process.stdout.write(`── run ${runId} ${res.status}\n`);
      } else open.set(runId, res.nextSeq);
    }
    const latest = await api.call<Page<Run>>("GET", `/api/v1/jobs/${id}/runs?size=20`);
    for (const r of latest.items.filter((x) => x.id > lastId).reverse()) await show(r);
  }
}

const EXPORT_FIELDS = [
  "name",
  "description",
  "cron",
  "timezone",
  "mode",
  "params",
  "state",
  "policy",
  "maxRunCount",
  "timeoutSeconds",
  "retries",
  "retryBackoffSeconds",
  "misfirePolicy",
  "catchUpLimit",
  "notifyEmails",
  "tags",
  "retentionDays",
  "retentionCount",
] as const;

async function allJobs(api: Api): Promise<Job[]> {
  const out: Job[] = [];
  for (let page = 1; ; page++) {
    const r = await api.call<Page<Job>>("GET", `/api/v1/jobs?page=${page}&size=200`);
    out.push(...r.items);
    if (out.length >= r.total || !r.items.length) return out;
  }
}

/** Every job, portable: no ids; chained jobs are named. */
export async function exportJobs(api: Api, o: { output?: string }) {
  const jobs = (await allJobs(api)).sort((a, b) => a.id - b.id);
  const nameOf = new Map(jobs.map((j) => [j.id, j.name]));
  const doc = {
    kairos: 1,
    exportedAt: new Date().toISOString(),
    jobs: jobs.map((j) => ({
      ...Object.fromEntries(EXPORT_FIELDS.map((k) => [k, j[k]])),
      onSuccessStart: j.onSuccessStart.map((id) => nameOf.get(id)).filter(Boolean),
      onFailureStart: j.onFailureStart.map((id) => nameOf.get(id)).filter(Boolean),
    })),
  };
  const text = `${JSON.stringify(doc, null, 2)}\n`;
  if (o.output) {
    writeFileSync(o.output, text);
    process.stderr.write(`exported ${jobs.length} jobs to ${o.output}\n`);
  } else process.stdout.write(text);
}

/**
 * Jobs from an export (or an array of jobs, Kairos or TimerJobs shaped): a job whose name
 * exists is replaced, others are created; chains (by name) are set once every job exists.
 */
export async function importJobs(api: Api, o: { file?: string; json?: boolean }) {
  const items = jobsOf(readJsonFile(o.file));
  const existing = new Map((await allJobs(api)).map((j) => [j.name, j.id]));
  const result = { created: 0, updated: 0, failed: [] as { name: string; error: string; code: number }[] };
  const chains: { id: number; input: Record<string, unknown>; success: unknown[]; failure: unknown[] }[] = [];
  for (const raw of items) {
    let input: Record<string, unknown>;
    try {
      input = toJobInput(raw);
    } catch (e) {
      result.failed.push({
        name: String((raw as { name?: unknown })?.name ?? "?"),
        error: (e as Error).message,
        code: EXIT.INVALID,
      });
      continue;
    }
    const name = String(input.name ?? "");
    const success = Array.isArray(input.onSuccessStart) ? input.onSuccessStart : [];
    const failure = Array.isArray(input.onFailureStart) ? input.onFailureStart : [];
    const first = { ...input, onSuccessStart: [], onFailureStart: [], runOnSave: false };
    try {
      const id = existing.get(name);
      const job = id
        ? await api.call<Job>("PUT", `/api/v1/jobs/${id}`, first)
        : await api.call<Job>("POST", "/api/v1/jobs", first);
      if (id) result.updated++;
      else result.created++;
      existing.set(job.name, job.id);
      if (success.length || failure.length) chains.push({ id: job.id, input: first, success, failure });
    } catch (e) {
      if (e instanceof CliError && e.code === EXIT.UNREACHABLE) throw e;
      result.failed.push({
        name,
        error: (e as Error).message,
        code: e instanceof CliError ? e.code : EXIT.FAILED,
      });
    }
  }
  const resolve = (refs: unknown[]) =>
    refs
      .map((r) => (typeof r === "number" ? r : existing.get(String(r))))
      .filter((x): x is number => typeof x === "number");
  for (const c of chains) {
    try {
      await api.call("PUT", `/api/v1/jobs/${c.id}`, {
        ...c.input,
        onSuccessStart: resolve(c.success),
        onFailureStart: resolve(c.failure),
      });
    } catch (e) {
      result.failed.push({
        name: String(c.input.name),
        error: `chains: ${(e as Error).message}`,
        code: EXIT.INVALID,
      });
    }
  }
  if (o.json) printJson(result);
  else {
    console.log(`created ${result.created}, updated ${result.updated}, failed ${result.failed.length}`);
    for (const f of result.failed) console.error(`  ${f.name}: ${f.error}`);
  }
  return result.failed.length
    ? result.failed.every((f) => f.code === EXIT.INVALID)
      ? EXIT.INVALID
      : EXIT.FAILED
    : EXIT.OK;
}
