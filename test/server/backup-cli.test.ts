/**
 * `kairos export` / `kairos import` (issue 13): the real binary on the database, whether Kairos
 * runs or not — export, a dry run that changes nothing, a restore into another database that a
 * second import leaves alone, archives, and bad files refused with exit 7 naming the field.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ImportResult } from "../../server/backup/import";
import type { Backup } from "../../server/backup/schema";
import { type Db, getDb } from "../../server/db/client";
import { jobs, scriptVersions } from "../../server/db/schema";
import { createJob } from "../../server/jobs/jobs";
import { uploadScript } from "../../server/reports/scripts";
import { kairos } from "../cli/helpers";
import { freshDatabase } from "../helpers/fresh-db";
import { ADMIN } from "../helpers/jobs";
import { makeUser } from "../helpers/users";
import { PROCESS_TEST_MS } from "../helpers/wait";

const tmp = mkdtempSync(path.join(os.tmpdir(), "kairos-backup-cli-"));
const file = path.join(tmp, "backup.json");
let fresh: Awaited<ReturnType<typeof freshDatabase>>;

async function fingerprint(db: Db) {
  const out: string[] = [];
  for (const t of ["users", "jobs", "script_versions", "settings", "audit_log"]) {
    const [r] = await db.execute<{ h: string | null }>(
      sql.raw(
        `select count(*) || ':' || coalesce(md5(string_agg(t::text, '|' order by t::text)), '') as h from ${t} t`,
      ),
    );
    out.push(`${t}=${r?.h}`);
  }
  return out;
}

beforeAll(async () => {
  await makeUser("admin", "password123", { username: "root" });
  const v = await uploadScript(getDb(), ADMIN, { name: "sum.py", content: "print(1+1)\n" });
  await createJob(getDb(), ADMIN, {
    name: "sum",
    cron: "0 6 * * *",
    timezone: "Europe/Paris",
    mode: "script",
    params: { scriptId: v.id },
  });
  fresh = await freshDatabase();
});
afterAll(async () => {
  await fresh?.drop();
});

describe("kairos export / import", { timeout: PROCESS_TEST_MS }, () => {
  it("exports, previews without changing anything, and restores into another database once", async () => {
    const ex = await kairos(["export", "--out", file]);
    expect(ex.code).toBe(0);
    expect(ex.stderr).toContain("exported 1 jobs, 1 script versions");
    const doc = JSON.parse(readFileSync(file, "utf8")) as Backup;
    expect(doc).toMatchObject({ format: "kairos-backup", schemaVersion: 2 });
    expect(doc.jobs).toMatchObject([{ name: "sum", script: { name: "sum.py", version: 1 } }]);

    const before = await fingerprint(getDb());
    const dry = await kairos(["import", file, "--dry-run", "--json"]);
    expect(dry.code).toBe(0);
    const plan = JSON.parse(dry.stdout) as ImportResult;
    expect(plan).toMatchObject({ dryRun: true, counts: { create: 0, update: 0 } });
    expect(await fingerprint(getDb())).toEqual(before);

    const env = { DATABASE_URL: fresh.url };
    const preview = await kairos(["import", file, "--dry-run"], { env });
    expect(preview.code).toBe(0);
    expect(preview.stdout).toMatch(/job\s+sum\s+create/);
    expect(preview.stdout).toContain("dry run, nothing changed");
    expect(await fresh.db.select().from(jobs)).toEqual([]);

    const restored = await kairos(["import", file, "--json"], { env });
    expect(restored.code).toBe(0);
    expect((JSON.parse(restored.stdout) as ImportResult).counts.create).toBeGreaterThan(2);
    const [job] = await fresh.db.select().from(jobs).where(eq(jobs.name, "sum"));
    const [script] = await fresh.db.select().from(scriptVersions).where(eq(scriptVersions.name, "sum.py"));
    expect(job).toMatchObject({ timezone: "Europe/Paris", params: { scriptId: script?.id } });

    const again = await kairos(["import", file], { env });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("created 0, updated 0");
  });

  it("writes an archive with --with-files that import reads", async () => {
    const zip = path.join(tmp, "backup.zip");
    expect((await kairos(["export", "--with-files", "-o", zip])).code).toBe(0);
    expect(readFileSync(zip).subarray(0, 2).toString()).toBe("PK");
    const r = await kairos(["import", zip, "--dry-run", "--json"]);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as ImportResult).counts.create).toBe(0);
  });

  it("refuses bad files with exit 7 naming the field, and bad command lines with 2", async () => {
    const doc = JSON.parse(readFileSync(file, "utf8")) as Backup;
    (doc.jobs[0] as unknown as { cron: string }).cron = "at noon";
    const bad = path.join(tmp, "bad.json");
    writeFileSync(bad, JSON.stringify(doc));
    const r = await kairos(["import", bad]);
    expect(r.code).toBe(7);
    expect(r.stderr).toContain("jobs[0].cron:");
    writeFileSync(bad, "{ nope");
    const notJson = await kairos(["import", bad]);
    expect(notJson.code).toBe(7);
    expect(notJson.stderr).toContain("file: not valid JSON: line 1, column 3: unexpected character");
    // In the instance's language (KAIROS_LANGUAGE), or the shell's (LANG).
    const zh = await kairos(["import", bad], { env: { KAIROS_LANGUAGE: "zh-CN" } });
    expect(zh.code).toBe(7);
    expect(zh.stderr).toContain("file：不是有效的 JSON：第 1 行第 3 列，出现了意外的字符");
    const shell = await kairos(["import", bad], { env: { KAIROS_LANGUAGE: undefined, LANG: "zh_CN.UTF-8" } });
    expect(shell.stderr).toContain("file：不是有效的 JSON");
    writeFileSync(bad, JSON.stringify(doc));
    const cronZh = await kairos(["import", bad], { env: { KAIROS_LANGUAGE: "zh-CN" } });
    expect(cronZh.code).toBe(7);
    expect(cronZh.stderr).toMatch(/jobs\[0\]\.cron：\S/);
    expect(cronZh.stderr).not.toContain("jobs[0].cron: jobs[0].cron");
    expect((await kairos(["import"])).code).toBe(2);
    expect((await kairos(["import", path.join(tmp, "missing.json")])).code).toBe(4);
  });
});
