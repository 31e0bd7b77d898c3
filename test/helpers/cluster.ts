import type { ChildProcess } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnTs, stopChild } from "../../scripts/lib/children";
import { closeDb } from "../../server/db/client";
import { type EmbeddedServer, freePort, startEmbeddedPostgres } from "../../server/db/embedded";
import { migrateDatabase } from "../../server/db/migrate";
import { resetEnvCache } from "../../server/lib/env";

/**
 * A throwaway Postgres cluster of this test's own (embedded, in a temp folder), which the test
 * may stop, start and freeze at will: the machine's Postgres is never touched. The test
 * process's DATABASE_URL points at it while it lives.
 */
export type FaultCluster = {
  url: string;
  port: number;
  stop: () => Promise<void>;
  start: () => Promise<void>;
  /** SIGSTOP / SIGCONT every process of the cluster: connections stay open, nothing answers. */
  freeze: () => void;
  thaw: () => void;
  destroy: () => Promise<void>;
};

function clusterPids(dir: string): number[] {
  const pid = Number(readFileSync(path.join(dir, "postmaster.pid"), "utf8").split("\n")[0]);
  const kids = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean);
  return [pid, ...kids.map(Number)];
}

export async function startFaultCluster(): Promise<FaultCluster> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "kairos-fault-"));
  chmodSync(dataDir, 0o755);
  const port = await freePort();
  let server: EmbeddedServer | undefined = await startEmbeddedPostgres({ dataDir, preferredPort: port });
  const url = server.url;
  await migrateDatabase(url);
  const before = process.env.DATABASE_URL;
  await closeDb();
  process.env.DATABASE_URL = url;
  resetEnvCache();
  let frozen: number[] = [];
  return {
    url,
    port,
    stop: async () => {
      await server?.stop();
      server = undefined;
    },
    start: async () => {
      server = await startEmbeddedPostgres({ dataDir, preferredPort: port });
      if (server.port !== port) throw new Error(`cluster came back on port ${server.port}, not ${port}`);
    },
    freeze: () => {
      if (!server) throw new Error("cluster is stopped");
      frozen = clusterPids(server.dir);
      for (const pid of frozen) process.kill(pid, "SIGSTOP");
    },
    thaw: () => {
      for (const pid of frozen) {
        try {
          process.kill(pid, "SIGCONT");
        } catch {}
      }
      frozen = [];
    },
    destroy: async () => {
      for (const pid of frozen) {
        try {
          process.kill(pid, "SIGCONT");
        } catch {}
      }
      await closeDb();
      await server?.stop();
      process.env.DATABASE_URL = before;
      resetEnvCache();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export type LoggedProcess = {
  child: ChildProcess;
  /** Every JSON log line (and any other line, as { raw }) the process wrote so far. */
  lines: Record<string, unknown>[];
  stop: () => Promise<void>;
};

/** A Kairos entry (worker/main.ts, scripts/web.ts…) as a real child process whose logs the test reads. */
export function spawnLogged(entry: string, env: Record<string, string>): LoggedProcess {
  const child = spawnTs(
    entry,
    { ...process.env, LOG_PRETTY: "0", LOG_LEVEL: "info", NODE_ENV: "production", ...env },
    { pipeOutput: true },
  );
  const lines: Record<string, unknown>[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    let rest = "";
    stream?.on("data", (c: Buffer) => {
      const parts = (rest + c.toString()).split("\n");
      rest = parts.pop() ?? "";
      for (const line of parts) {
        if (!line.trim()) continue;
        try {
          lines.push(JSON.parse(line));
        } catch {
          lines.push({ raw: line });
        }
      }
    });
  }
  return { child, lines, stop: () => stopChild(child, entry, 15_000) };
}
