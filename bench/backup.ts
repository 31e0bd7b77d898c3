/**
 * Backup figures (issue 13), beside a baseline measured in the same run:
 *   - import of a backup into an empty database (every job, script version and user created)
 *       vs  creating the same jobs one by one through createJob (what the UI and API do)
 *   - export, a second import (nothing to change), a dry run: times and the file's size
 * BENCH_JOBS (default 1000) jobs, BENCH_SCRIPTS × 3 versions (default 50), BENCH_USERS (default 100).
 */
import { drizzle } from "drizzle-orm/postgres-js";
import { exportBackup } from "../server/backup/export";
import { importBackup } from "../server/backup/import";
import { createSql, type Db } from "../server/db/client";
import * as schema from "../server/db/schema";
import { users } from "../server/db/schema";
import { createJob } from "../server/jobs/jobs";
import { uploadScript } from "../server/reports/scripts";
import { benchDatabase, ratio, report, round } from "./lib";

const JOBS = Number(process.env.BENCH_JOBS ?? 1000);
const SCRIPTS = Number(process.env.BENCH_SCRIPTS ?? 50);
const USERS = Number(process.env.BENCH_USERS ?? 100);
const ADMIN = { id: null, name: "bench", role: "admin" as const };

const source = await benchDatabase();
const target = await benchDatabase();
process.env.DATABASE_URL = source.url;
const open = (url: string) => {
  const sql = createSql(url, 4);
  return { sql, db: drizzle(sql, { schema }) as Db };
};
const src = open(source.url);
const dst = open(target.url);

const ms = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
  const t0 = performance.now();
  const r = await fn();
  return [r, performance.now() - t0];
};

try {
  await src.db.insert(users).values(
    Array.from({ length: USERS }, (_, i) => ({
      username: `user${i}`,
      email: `user${i}@example.com`,
      passwordHash: "!bench",
      role: "operator" as const,
    })),
  );
  const scriptIds: number[] = [];
  for (let s = 0; s < SCRIPTS; s++)
    for (let v = 1; v <= 3; v++) {
      const r = await uploadScript(src.db, ADMIN, {
        name: `report_${s}.py`,
        content: `# report ${s} version ${v}\n${"print('row')\n".repeat(200)}`,
      });
      scriptIds.push(r.id);
    }
  const [, baselineMs] = await ms(async () => {
    for (let i = 0; i < JOBS; i++) {
      const kind = i % 3;
      await createJob(src.db, ADMIN, {
        name: `job ${i}`,
        description: `benchmark job ${i}`,
        cron: `${i % 60} ${i % 24} * * *`,
        timezone: i % 2 ? "Asia/Shanghai" : "UTC",
        ...(kind === 0
          ? {
              mode: "http",
              params: { url: `https://example.com/hook/${i}`, headers: [["X-Job", String(i)]] },
            }
          : kind === 1
            ? { mode: "command", params: { command: `echo ${i}` } }
            : { mode: "script", params: { scriptId: scriptIds[i % scriptIds.length] as number } }),
        tags: ["bench"],
      });
    }
  });

  const [doc, exportMs] = await ms(() => exportBackup(src.db));
  const bytes = Buffer.byteLength(JSON.stringify(doc, null, 2));
  const [first, importMs] = await ms(() => importBackup(dst.db, ADMIN, structuredClone(doc)));
  const [second, reimportMs] = await ms(() => importBackup(dst.db, ADMIN, structuredClone(doc)));
  const [, dryRunMs] = await ms(() => importBackup(dst.db, ADMIN, structuredClone(doc), { dryRun: true }));
  if (second.counts.create + second.counts.update !== 0)
    throw new Error("the second import changed something");

  const perJob = (v: number) => round(v / JOBS, 3);
  report(
    "backup",
    [
      ["items", `${JOBS} jobs, ${SCRIPTS * 3} script versions, ${USERS + 0} users`],
      ["file size", `${round(bytes / 1024 / 1024, 2)} MiB`],
      ["export", `${round(exportMs)} ms`],
      ["import into an empty database", `${round(importMs)} ms (${first.counts.create} created)`],
      ["baseline: createJob one by one", `${round(baselineMs)} ms (jobs only)`],
      ["import / baseline", ratio(importMs, baselineMs)],
      ["second import (nothing changes)", `${round(reimportMs)} ms`],
      ["dry run", `${round(dryRunMs)} ms`],
    ],
    {
      jobs: JOBS,
      scriptVersions: SCRIPTS * 3,
      users: USERS,
      bytes,
      exportMs: round(exportMs),
      importMs: round(importMs),
      baselineCreateJobMs: round(baselineMs),
      importPerJobMs: perJob(importMs),
      baselinePerJobMs: perJob(baselineMs),
      reimportMs: round(reimportMs),
      dryRunMs: round(dryRunMs),
      ratio: ratio(importMs, baselineMs),
    },
  );
} finally {
  await src.sql.end();
  await dst.sql.end();
  await source.close();
  await target.close();
}
