import { randomBytes } from "node:crypto";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { inject } from "vitest";
import { createSql, type Db } from "../../server/db/client";
import * as schema from "../../server/db/schema";

/**
 * A second empty, migrated database for this test file (the first is DATABASE_URL, made by
 * test/setup/database.ts from the same template): for moving data from one installation to
 * another. Named like the per-file databases, so the harness drops it if the test does not.
 */
export async function freshDatabase(): Promise<{ db: Db; url: string; drop: () => Promise<void> }> {
  const serverUrl = inject("pgServerUrl");
  const template = inject("templateDb");
  const name = `kairos_t_${template.split("_")[2]}_${randomBytes(5).toString("hex")}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  for (let attempt = 0; ; attempt++) {
    try {
      await admin.unsafe(`create database "${name}" template "${template}"`);
      break;
    } catch (e) {
      if (attempt > 50 || !String((e as Error).message).includes("being accessed by other users")) throw e;
      await new Promise((r) => setTimeout(r, 50 + Math.random() * 100));
    }
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const sql = createSql(url.toString(), 4);
  const db = drizzle(sql, { schema }) as Db;
  return {
    db,
    url: url.toString(),
    drop: async () => {
      await sql.end({ timeout: 5 });
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  };
}
