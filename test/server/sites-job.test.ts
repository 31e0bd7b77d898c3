/**
 * Issue 12: the `site_pull` job mode through the real worker — creating a site makes its job,
 * "pull now" runs it, and the run's log says per file the bytes, lines and bad lines taken.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { getDb } from "../../server/db/client";
import { runLogs } from "../../server/db/schema";
import { formatLocal } from "../../server/lib/local-time";
import { runErrorText } from "../../server/runs/error-text";
import { createSite, pullSiteNow } from "../../server/sites/sites";
import { type KairosWorker, startWorker } from "../../worker/index";
import { ADMIN, waitForFinishedRuns } from "../helpers/jobs";
import { type SiteFileServer, startSiteFileServer } from "../helpers/site-files";

let worker: KairosWorker;
let server: SiteFileServer;

beforeAll(async () => {
  server = await startSiteFileServer({ honourRange: true });
  worker = await startWorker({ databaseUrl: process.env.DATABASE_URL as string, concurrency: 2 });
});
afterAll(async () => {
  await worker?.stop();
  await server?.close();
});

it("pull now runs the site's site_pull job and logs what each file brought", async () => {
  const tz = "Asia/Shanghai";
  const today = formatLocal(new Date(), tz).slice(0, 10);
  const ymd = today.replaceAll("-", "");
  server.files.set(
    `/site/sys_monitor/system_info_${ymd}.txt`,
    Buffer.from(`web1|10.0.0.1|GZ|cpu|1|2|3|94|${today} 08:00:00\nweb1|10.0.0.1|GZ|cpu|1|2|3\n`),
  );
  const site = await createSite(getDb(), ADMIN, {
    code: "GZ",
    name: "广州",
    timezone: tz,
    baseUrl: server.baseUrl,
  });
  const run = await pullSiteNow(getDb(), { ...ADMIN }, site.id);
  const [done] = await waitForFinishedRuns(site.pullJobId as number, 1, 30_000, worker);
  expect(done?.id).toBe(run.id);
  expect(done?.status).toBe("succeeded");
  expect(done?.result).toMatchObject({ site: "GZ", lines: 2, bad: 1, samples: 1 });
  const log = (await getDb().select().from(runLogs).where(eq(runLogs.runId, run.id)))
    .map((c) => c.data)
    .join("");
  expect(log).toContain(`system_info_${ymd}.txt: `);
  expect(log).toMatch(/2 lines, 1 bad lines, 1 new samples/);
  expect(log).toContain(`system_alarm_${ymd}.txt: not there (404)`);
});

it("a pull that fails says per file why, in the reader's language", async () => {
  const broken = createServer((_req, res) => res.writeHead(500).end("boom"));
  await new Promise<void>((r) => broken.listen(0, "127.0.0.1", r));
  try {
    const base = `http://127.0.0.1:${(broken.address() as AddressInfo).port}/site`;
    const site = await createSite(getDb(), ADMIN, {
      code: "SZ",
      name: "深圳",
      timezone: "UTC",
      baseUrl: base,
    });
    await pullSiteNow(getDb(), { ...ADMIN }, site.id);
    const [done] = await waitForFinishedRuns(site.pullJobId as number, 1, 30_000, worker);
    expect(done?.status).toBe("failed");
    expect(done?.error).toMatch(/^system_info_\d{8}\.txt: HTTP 500 from http:/);
    const zh = runErrorText(done?.error ?? null, "zh-CN") ?? "";
    expect(zh).toMatch(
      /^system_info_\d{8}\.txt：http:\/\/127\.0\.0\.1:\d+\/site\/sys_monitor\/system_info_\d{8}\.txt 返回 HTTP 500；/,
    );
    expect(zh).not.toMatch(/ from /);
  } finally {
    broken.close();
  }
});
