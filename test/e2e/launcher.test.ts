import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../../server/db/embedded";
import { PROCESS_TEST_MS, STARTUP_MS, waitFor } from "../helpers/wait";

const dataDir = mkdtempSync(path.join(os.tmpdir(), "kairos-launch-"));
chmodSync(dataDir, 0o755);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** `npm start` as a newcomer runs it: no DATABASE_URL, so Kairos brings its own Postgres. */
async function launch(port: number, pgPort: number) {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "production" };
  for (const k of ["DATABASE_URL", "TEST_DATABASE_URL", "AUTH_SECRET"]) delete env[k];
  Object.assign(env, {
    PORT: String(port),
    HOST: "127.0.0.1",
    KAIROS_DATA_DIR: dataDir,
    KAIROS_EMBEDDED_PG_PORT: String(pgPort),
    KAIROS_ADMIN_USER: "root-admin",
    KAIROS_ADMIN_PASSWORD: "launcher-password",
    LOG_LEVEL: "info",
    LOG_PRETTY: "0",
    KAIROS_PROCESS: "kairos",
  });
  const child = spawn(process.execPath, ["--import", "./scripts/lib/node-hooks.mjs", "scripts/start.ts"], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (c) => (out += c));
  child.stderr.on("data", (c) => (out += c));
  await waitFor(
    "Kairos to announce its address",
    () => out.includes("Kairos is running at"),
    STARTUP_MS,
    100,
  ).catch((e) => {
    child.kill("SIGKILL");
    throw new Error(`${(e as Error).message}\n${out.slice(-3000)}`);
  });
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  return { child, output: () => out, exited };
}

async function usersInEmbedded(): Promise<string[]> {
  const creds = JSON.parse(readFileSync(path.join(dataDir, "embedded-pg.json"), "utf8")) as {
    user: string;
    password: string;
  };
  const pid = readFileSync(path.join(dataDir, "pg", "postmaster.pid"), "utf8").split("\n");
  const port = Number(pid[3]);
  const sql = postgres({
    host: "127.0.0.1",
    port,
    user: creds.user,
    password: creds.password,
    database: "kairos",
    max: 1,
  });
  try {
    return (await sql<{ username: string }[]>`select username from users`).map((r) => r.username);
  } finally {
    await sql.end();
  }
}

describe("npm start on a machine with no Postgres", () => {
  it("starts embedded Postgres, migrates, creates the env admin, serves, and stops cleanly", {
    timeout: PROCESS_TEST_MS,
  }, async () => {
    const port = await freePort();
    const first = await launch(port, await freePort());
    const health = await waitFor(
      "healthy",
      async () => {
        const res = await fetch(`http://127.0.0.1:${port}/api/health`);
        return res.status === 200 ? res.json() : null;
      },
      STARTUP_MS,
    );
    expect(health).toMatchObject({ status: "ok", migrations: { current: true }, workers: { live: 1 } });
    expect(await usersInEmbedded()).toEqual(["root-admin"]);
    expect(existsSync(path.join(dataDir, "kairos.pid"))).toBe(true);

    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);
    expect(first.output()).toContain("embedded Postgres stopped");
    expect(first.output()).toContain("worker stopped");
    expect(existsSync(path.join(dataDir, "pg", "postmaster.pid"))).toBe(false);
    expect(existsSync(path.join(dataDir, "kairos.pid"))).toBe(false);
  });

  it("reuses the same data on the next start", { timeout: PROCESS_TEST_MS }, async () => {
    const port = await freePort();
    const second = await launch(port, await freePort());
    expect(second.output()).not.toContain("initialised embedded Postgres cluster");
    expect(await usersInEmbedded()).toEqual(["root-admin"]);
    second.child.kill("SIGINT");
    expect(await second.exited).toBe(0);
  });

  it("restarts a crashed worker or web process, and keeps the rest running (issue 7)", async () => {
    const port = await freePort();
    const third = await launch(port, await freePort());
    // Children share the launcher's stdout: a line may arrive split or mixed, so parse leniently.
    const pidOf = (msg: string, svc: string) =>
      third
        .output()
        .split("\n")
        .flatMap((l) => {
          try {
            return [JSON.parse(l) as { msg: string; svc: string; pid: number }];
          } catch {
            return [];
          }
        })
        .filter((l) => l.msg === msg && l.svc === svc)
        .map((l) => l.pid);
    const healthy = () =>
      waitFor(
        "healthy again",
        async () =>
          (await fetch(`http://127.0.0.1:${port}/api/health`).catch(() => undefined))?.status === 200,
        60_000,
        200,
      );
    await healthy();
    const worker = await waitFor("the worker's pid", () => pidOf("worker started", "worker")[0]);
    process.kill(worker, "SIGKILL");
    await waitFor("a new worker", () => pidOf("worker started", "worker").length === 2, 60_000, 100);
    expect(third.output()).toContain("worker exited unexpectedly (signal SIGKILL); restarting it in 1 s");
    await healthy();
    const web = await waitFor("the web's pid", () => pidOf("web listening", "web")[0]);
    process.kill(web, "SIGKILL");
    await waitFor("a new web process", () => pidOf("web listening", "web").length === 2, 60_000, 100);
    await healthy();
    expect(third.child.exitCode).toBeNull();
    third.child.kill("SIGTERM");
    expect(await third.exited).toBe(0);
  }, 180_000);

  it("refuses to start with a bad environment, naming the variable", async () => {
    const child = spawn(process.execPath, ["--import", "./scripts/lib/node-hooks.mjs", "scripts/start.ts"], {
      env: { ...process.env, PORT: "not-a-port", KAIROS_DATA_DIR: dataDir },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let err = "";
    child.stderr.on("data", (c) => (err += c));
    const code = await new Promise<number | null>((r) => child.once("exit", r));
    expect(code).toBe(78);
    expect(err).toMatch(/PORT: /);
  });
});
