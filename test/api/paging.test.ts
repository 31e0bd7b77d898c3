import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { handleCompat } from "../../server/api/compat/handle";
import { handleV1 } from "../../server/api/v1/handle";
import { getDb } from "../../server/db/client";
import { MAX_PAGE_SIZE } from "../../server/lib/paging";
import { makeJob } from "../helpers/jobs";
import { tokenFor } from "./helpers";

// TimerJobs clients ask for 1,000 rows (`size=1000`); Kairos refused anything over 200. Every
// list now takes any size and answers at most MAX_PAGE_SIZE rows, saying which size it used.
// The handlers are called in-process (no web server): the HTTP path is test/api/timerjobs.test.ts.

let token: string;
const auth = () => ({ authorization: `Bearer ${token}` });

async function compat(path: string, query: Record<string, string | number>) {
  const url = new URL(`http://localhost${path}`);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, String(v));
  const res = await handleCompat(new Request(url, { headers: auth() }), path);
  const body = (await res.json()) as {
    code: number;
    msg: string;
    data: unknown[] | { tasks: unknown[] };
    page_size?: number;
    total?: number;
  };
  // /jobs/scheduler answers its rows as data.tasks.
  return { ...body, rows: Array.isArray(body.data) ? body.data : body.data?.tasks };
}

async function v1(path: string) {
  const res = await handleV1(
    new Request(`http://localhost/api/v1${path}`, { headers: auth() }),
    path.split("?")[0] ?? "",
  );
  return {
    status: res.status,
    body: (await res.json()) as { items: unknown[]; size: number; total: number },
  };
}

beforeAll(async () => {
  token = (await tokenFor("admin")).token;
  const job = await makeJob({ mode: "http", command: "【url】http://127.0.0.1:9/" });
  // 1,050 scheduled jobs and as many finished runs of one of them, in two statements.
  await getDb().execute(sql`
    insert into jobs (name, cron, timezone, mode, params, state, next_fire_at)
    select 'bulk ' || g, '0 0 1 1 *', 'UTC', 'http', ${JSON.stringify({ url: "http://127.0.0.1:9/", method: "GET", headers: [], times: 1 })}::jsonb,
           'waiting', now() + make_interval(days => g)
    from generate_series(1, 1050) g`);
  await getDb().execute(sql`
    insert into runs (job_id, trigger, scheduled_at, status, finished_at)
    select ${job.id}, 'manual', now() - make_interval(secs => g), 'succeeded', now()
    from generate_series(1, 1050) g`);
  (globalThis as { bulkJob?: number }).bulkJob = job.id;
});

describe("page sizes", () => {
  it("documents one maximum", () => {
    expect(MAX_PAGE_SIZE).toBe(1000);
  });

  it("every TimerJobs list takes size=1000, and caps size=5000 (or page_size=3000) at 1000", async () => {
    const bulkJob = (globalThis as { bulkJob?: number }).bulkJob ?? 0;
    // The system log (zapLogs) holds only a few entries here: it is checked for the size answered.
    const lists: [string, Record<string, number>, boolean][] = [
      ["/jobs/list", {}, true],
      ["/jobs/scheduler", {}, true],
      ["/jobs/logs", { id: bulkJob }, true],
      ["/jobs/zapLogs", {}, false],
    ];
    for (const [path, q, full] of lists) {
      const thousand = await compat(path, { ...q, page: 1, size: 1000 });
      expect(thousand, path).toMatchObject({ code: 200, page_size: 1000 });
      const more = await compat(path, { ...q, page: 1, size: 5000 });
      expect(more, path).toMatchObject({ code: 200, page_size: 1000 });
      if (full) {
        expect(thousand.rows, path).toHaveLength(1000);
        expect(more.rows, path).toHaveLength(1000);
        expect(more.total, path).toBeGreaterThan(1000);
      }
      expect(await compat(path, { ...q, page_size: 3000 }), path).toMatchObject({ page_size: 1000 });
      expect(await compat(path, { ...q, size: 0 }), path).toMatchObject({
        code: 400,
        msg: expect.stringMatching(/^size: must be 1 or more/),
      });
    }
  });

  it("/jobs/logs takes the Go version's limit too", async () => {
    const id = (globalThis as { bulkJob?: number }).bulkJob ?? 0;
    expect(await compat("/jobs/logs", { id, limit: 2000 })).toMatchObject({ code: 200, page_size: 1000 });
  });

  it("/api/v1 lists cap the same way and answer the size used", async () => {
    for (const path of ["/jobs?size=5000", "/runs?size=5000", "/tokens?size=5000"]) {
      const r = await v1(path);
      expect(r.status, path).toBe(200);
      expect(r.body.size, path).toBe(1000);
    }
    const jobs = await v1("/jobs?size=1000");
    expect(jobs.body.items).toHaveLength(1000);
    expect((await v1("/jobs?size=0")).status).toBe(400);
  });
});
