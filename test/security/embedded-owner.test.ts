/**
 * Issue 7, Critical 2: Kairos connected to its embedded Postgres as the superuser, so any SQL it
 * ran for someone (the Database built-in) could `COPY … TO PROGRAM` a shell or `pg_read_file`.
 * Now it connects as the owner of its database, without superuser rights; migrations run as
 * that role; a data folder from before is upgraded at start (objects handed to the owner).
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { type EmbeddedServer, freePort, startEmbeddedPostgres } from "../../server/db/embedded";
import { migrateDatabase } from "../../server/db/migrate";

const dataDir = mkdtempSync(path.join(os.tmpdir(), "kairos-embedded-owner-"));
chmodSync(dataDir, 0o755);
let server: EmbeddedServer | undefined;

afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function errorOf(sql: postgres.Sql, text: string): Promise<string> {
  try {
    await sql.unsafe(text);
    return "ran";
  } catch (e) {
    return (e as Error).message;
  }
}

const owners = (sql: postgres.Sql) =>
  sql<{ name: string; owner: string }[]>`
    select c.relname as name, pg_get_userbyid(c.relowner) as owner from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    where n.nspname in ('public', 'graphile_worker', 'drizzle') and c.relkind in ('r', 'v', 'S')`;

describe("embedded Postgres: Kairos is the owner, not a superuser", () => {
  it("creates a non-superuser owner role on a new cluster and migrates as it", {
    timeout: 120_000,
  }, async () => {
    server = await startEmbeddedPostgres({ dataDir, preferredPort: await freePort() });
    const url = new URL(server.url);
    expect(url.username).toBe("kairos");
    await migrateDatabase(server.url);
    const sql = postgres(server.url, { max: 1, onnotice: () => {} });
    try {
      const [me] = await sql<{ su: boolean; createrole: boolean }[]>`
        select rolsuper as su, rolcreaterole as createrole from pg_roles where rolname = current_user`;
      expect(me).toEqual({ su: false, createrole: false });
      expect(await errorOf(sql, "copy (select 1) to program 'id'")).toMatch(
        /permission denied|must be superuser|pg_execute_server_program/,
      );
      expect(await errorOf(sql, "select pg_read_file('/etc/passwd')")).toMatch(/permission denied/);
      const tables = await owners(sql);
      expect(tables.length).toBeGreaterThan(5);
      expect(tables.filter((t) => t.owner !== "kairos")).toEqual([]);
    } finally {
      await sql.end();
    }
    const creds = JSON.parse(readFileSync(path.join(dataDir, "embedded-pg.json"), "utf8"));
    expect(creds.user).toBe("kairos");
    expect(creds.superuser.user).not.toBe("kairos");
  });

  it("upgrades a data folder whose Kairos connection was the superuser", { timeout: 120_000 }, async () => {
    // Make it look like a folder from before: objects owned by the superuser, and a credentials
    // file naming only the superuser.
    const su = postgres(`${server?.superuserUrl.replace(/\/postgres$/, "/kairos")}`, {
      max: 1,
      onnotice: () => {},
    });
    const suUser = new URL(server?.superuserUrl ?? "").username;
    await su.unsafe(`create table legacy_notes (id serial primary key, body text)`);
    await su.unsafe(`alter table jobs owner to ${suUser}`);
    await su.unsafe(`alter schema graphile_worker owner to ${suUser}`);
    await su.end();
    await server?.stop();
    const file = path.join(dataDir, "embedded-pg.json");
    const creds = JSON.parse(readFileSync(file, "utf8"));
    writeFileSync(file, JSON.stringify(creds.superuser));

    server = await startEmbeddedPostgres({ dataDir, preferredPort: await freePort() });
    expect(new URL(server.url).username).toBe("kairos");
    await migrateDatabase(server.url);
    const sql = postgres(server.url, { max: 1, onnotice: () => {} });
    try {
      const bad = (await owners(sql)).filter((t) => t.owner !== "kairos");
      expect(bad).toEqual([]);
      await sql`insert into legacy_notes (body) values ('still writable')`;
      const [me] = await sql<
        { su: boolean }[]
      >`select rolsuper as su from pg_roles where rolname = current_user`;
      expect(me?.su).toBe(false);
    } finally {
      await sql.end();
    }
  });
});
