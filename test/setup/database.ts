import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { afterAll, inject } from "vitest";
import { closeDb } from "../../server/db/client";
import { resetEnvCache } from "../../server/lib/env";

/**
 * Runs before each test file: a fresh database copied from the migrated template, exposed as
 * DATABASE_URL, and dropped when the file is done. Files never see each other's rows.
 */
const serverUrl = inject("pgServerUrl");
const template = inject("templateDb");
const parentPid = template.split("_")[2];
const name = `kairos_t_${parentPid}_${randomBytes(5).toString("hex")}`;
const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });

// CREATE DATABASE … TEMPLATE fails while another backend is copying the same template.
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
process.env.DATABASE_URL = url.toString();
resetEnvCache();

afterAll(async () => {
  await closeDb();
  await admin.unsafe(`drop database if exists "${name}" with (force)`);
  await admin.end();
});
