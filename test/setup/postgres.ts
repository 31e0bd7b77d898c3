import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import type { TestProject } from "vitest/node";
import { type EmbeddedServer, freePort, startEmbeddedPostgres } from "../../server/db/embedded";
import { migrateDatabase } from "../../server/db/migrate";

declare module "vitest" {
  export interface ProvidedContext {
    pgServerUrl: string;
    templateDb: string;
  }
}

/**
 * The machine's Postgres when TEST_DATABASE_URL or DATABASE_URL is set, else a real embedded
 * one in a temp folder. A template database is migrated once; each test file copies it.
 */
export default async function setup(project: TestProject) {
  process.env.LOG_LEVEL ??= "warn";
  let embedded: EmbeddedServer | undefined;
  let dataDir: string | undefined;
  let serverUrl = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
  if (!serverUrl) {
    dataDir = mkdtempSync(path.join(os.tmpdir(), "kairos-test-"));
    // Traversable by the postgres user when tests run as root.
    chmodSync(dataDir, 0o755);
    embedded = await startEmbeddedPostgres({
      dataDir,
      preferredPort: await freePort(),
      database: "postgres",
    });
    // Kairos' own role may not create databases; the harness makes one per test file.
    serverUrl = embedded.superuserUrl;
  }
  const template = `kairos_tmpl_${process.pid}_${Date.now().toString(36)}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${template}"`);
  const templateUrl = new URL(serverUrl);
  templateUrl.pathname = `/${template}`;
  await migrateDatabase(templateUrl.toString());

  project.provide("pgServerUrl", serverUrl);
  project.provide("templateDb", template);

  return async () => {
    const leftovers = await admin<{ datname: string }[]>`
      select datname from pg_database where datname like ${`kairos_t_${process.pid}_%`} or datname = ${template}`;
    for (const { datname } of leftovers)
      await admin.unsafe(`drop database if exists "${datname}" with (force)`);
    await admin.end();
    await embedded?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  };
}
