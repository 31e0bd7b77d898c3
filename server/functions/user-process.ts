import { type ChildProcess, fork } from "node:child_process";
import crypto from "node:crypto";
import { constants as fsc } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { childEnv, jobUser, type RunAs } from "../lib/child-env";

/**
 * User functions run in a process of their own (user-runner.mjs), never in the worker: user
 * code is code execution, so it gets what command jobs get (issue 7, Critical 1) — a clean
 * environment, and KAIROS_RUN_AS instead of root. Loading a file to list its functions runs its
 * top-level code, so listing happens there too. One process per list or call: whatever the code
 * leaves running ends with the task.
 */

const RUNNER = fileURLToPath(new URL("./user-runner.mjs", import.meta.url));
const ABORT_GRACE_MS = 2_000;
const LIST_TIMEOUT_MS = 10_000;

export type ListedExport = { name: string; fnName: string; source: string };
export type ListedFile = { file: string; exports?: ListedExport[]; error?: ErrorInfo };
export type ErrorInfo = { name: string; message: string; stack?: string };
type FromRunner = ["listed", ListedFile[]] | ["log", unknown] | ["result", unknown] | ["error", ErrorInfo];

function start(runAs: RunAs | null): ChildProcess {
  return fork(RUNNER, runAs ? [String(runAs.uid), String(runAs.gid)] : [], {
    env: childEnv(),
    execArgv: [],
    serialization: "advanced",
    stdio: ["ignore", "pipe", "pipe", "ipc"],
    detached: true,
  });
}

/** Whether `other` users may read `dir` and the files in it (and traverse its parents). */
async function readableByOthers(dir: string, files: string[]): Promise<boolean> {
  for (let d = dir; ; d = path.dirname(d)) {
    const st = await fs.stat(d).catch(() => null);
    if (!st || (st.mode & fsc.S_IXOTH) === 0) return false;
    if (d === dir && (st.mode & fsc.S_IROTH) === 0) return false;
    if (path.dirname(d) === d) break;
  }
  for (const f of files) {
    const st = await fs.stat(f).catch(() => null);
    if (!st || (st.mode & fsc.S_IROTH) === 0) return false;
  }
  return true;
}

/**
 * The folder the runner imports from: the functions folder itself when the jobs' user can read
 * it, else a copy only root may write and the jobs' group may read (a checkout under /root).
 */
async function importableFolder(dir: string, files: string[], runAs: RunAs | null): Promise<string> {
  if (!runAs || (await readableByOthers(dir, files))) return dir;
  const hash = crypto.createHash("sha256").update(dir).digest("hex").slice(0, 12);
  const copy = path.join(os.tmpdir(), `kairos-functions-${hash}`);
  await fs.rm(copy, { recursive: true, force: true });
  await fs.cp(dir, copy, { recursive: true, dereference: true });
  const own = async (p: string) => {
    const st = await fs.stat(p);
    await fs.chown(p, 0, runAs.gid);
    await fs.chmod(p, st.isDirectory() ? 0o750 : 0o640);
    if (st.isDirectory()) for (const e of await fs.readdir(p)) await own(path.join(p, e));
  };
  await own(copy);
  return copy;
}

let folder: { dir: string; imports: string } | undefined;

/** Lists the exported functions of `files` (full paths in `dir`), in a runner process. */
export async function listInProcess(
  dir: string,
  files: { name: string; full: string }[],
): Promise<ListedFile[]> {
  const runAs = await jobUser();
  const imports = await importableFolder(
    dir,
    files.map((f) => f.full),
    runAs,
  );
  folder = { dir, imports };
  const stamp = `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const child = start(runAs);
  // A module whose top-level code never finishes must not hold every reload.
  const timer = setTimeout(() => {
    try {
      if (child.pid) process.kill(-child.pid, "SIGKILL");
    } catch {}
  }, LIST_TIMEOUT_MS);
  const answer = await exchange(child, [
    "list",
    {
      files: files.map((f) => ({
        name: f.name,
        url: `${pathToFileURL(path.join(imports, f.name)).href}?v=${stamp}`,
      })),
    },
  ]).finally(() => clearTimeout(timer));
  if (answer[0] === "listed") return answer[1];
  throw new Error(answer[0] === "error" ? answer[1].message : "the functions process answered nothing");
}

/** Where a function's file is imported from (the copy, when there is one). */
export function importedPath(dir: string, file: string): string {
  return path.join(folder?.dir === dir ? folder.imports : dir, file);
}

/** Sends one message and waits for the runner's answer (or its death). */
function exchange(
  child: ChildProcess,
  message: unknown,
  onLog?: (value: unknown) => void,
): Promise<FromRunner> {
  return new Promise((resolve) => {
    let stderr = "";
    child.stderr?.on("data", (c: Buffer) => {
      stderr += c.toString();
    });
    child.on("message", (m: FromRunner) => {
      if (m[0] === "log") onLog?.(m[1]);
      else resolve(m);
    });
    child.once("exit", (code, signal) =>
      resolve([
        "error",
        {
          name: "Error",
          message: `the functions process ended (${signal ?? `exit code ${code}`})${stderr ? `: ${stderr.trim().split("\n").at(-1)}` : ""}`,
        },
      ]),
    );
    child.once("error", (e) => resolve(["error", { name: e.name, message: e.message }]));
    child.send(message as never);
  });
}

export type CallOutput = { write(stream: "stdout" | "stderr", text: string): void };

/**
 * Calls `name` from `file` with the job's arguments in a runner process; its console output and
 * `ctx.log` lines go to the run. Resolves with the value or the thrown error; an abort stops the
 * code (its signal), then the process.
 */
export async function callInProcess(
  c: { dir: string; file: string; name: string; args: string[]; arity: number; runId: number; jobId: number },
  signal: AbortSignal,
  out: CallOutput,
  log: (value: unknown) => void,
): Promise<{ ok: true; value: unknown } | { ok: false; error: ErrorInfo }> {
  const runAs = await jobUser();
  const child = start(runAs);
  child.stdout?.on("data", (b: Buffer) => out.write("stdout", b.toString()));
  child.stderr?.on("data", (b: Buffer) => out.write("stderr", b.toString()));
  const full = importedPath(c.dir, c.file);
  const stamp = (await fs.stat(full).catch(() => null))?.mtimeMs ?? 0;
  const closed = new Promise<void>((r) => child.once("close", () => r()));
  const onAbort = () => {
    if (child.connected) child.send(["abort"]);
    setTimeout(() => {
      try {
        if (child.pid) process.kill(-child.pid, "SIGKILL");
      } catch {}
    }, ABORT_GRACE_MS).unref();
  };
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    const answer = await exchange(
      child,
      ["call", { url: `${pathToFileURL(full).href}?v=${Math.trunc(stamp)}`, ...c }],
      log,
    );
    // Console output still in the pipes belongs to the run: read it before answering.
    await Promise.race([closed, new Promise((r) => setTimeout(r, 1_000).unref())]);
    if (answer[0] === "result") return { ok: true, value: answer[1] };
    if (answer[0] === "error") return { ok: false, error: answer[1] };
    return { ok: false, error: { name: "Error", message: "unexpected answer from the functions process" } };
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}
