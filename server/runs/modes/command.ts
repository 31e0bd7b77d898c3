import { stat } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import { childEnv, jobUser, type RunAs } from "../../lib/child-env";
import type { ExecContext, ExecResult, Executor, RunOutput } from "../executor";
import { needsShell, ShellSyntaxError, splitArgv } from "./command-shell";
import type { CommandParams } from "./params";
import { type StartedProcess, startProcess } from "./spawner";

export { needsShell } from "./command-shell";

/** Between SIGTERM and SIGKILL to the process group. */
const KILL_GRACE_MS = 2000;
/**
 * How long to keep reading after the command exited, for output still in the pipes. A background
 * process left running (`cmd &`) holds them open; the run does not wait for it.
 */
const DRAIN_GRACE_MS = 2000;

export type Invocation = { file: string; args: string[]; shell: boolean };
type Exit = { code: number | null; signal: NodeJS.Signals | null };

/**
 * The `command` mode: one process (through /bin/sh when needed) in its own process group, so that
 * stopping the run takes its children and grandchildren with it.
 */
export const runCommand: Executor<CommandParams> = async (params, ctx) => {
  if (ctx.signal.aborted) return { ok: false, error: "aborted" };
  let invocation: Invocation;
  try {
    invocation = resolveInvocation(params);
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
  if (params.workdir) {
    const problem = await workdirProblem(params.workdir);
    if (problem) return { ok: false, error: problem };
  }
  let runAs: RunAs | null;
  try {
    runAs = await jobUser();
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
  ctx.out.write("system", `$ ${params.command}${invocation.shell ? "  (shell)" : ""}\n`);
  if (params.workdir) ctx.out.write("system", `cwd: ${params.workdir}\n`);
  if (runAs) ctx.out.write("system", `user: ${runAs.name}\n`);
  return runProcess(invocation, params, ctx, runAs);
};

function resolveInvocation(params: CommandParams): Invocation {
  const viaShell = { file: "/bin/sh", args: ["-c", params.command], shell: true };
  if (params.shell === "always") return viaShell;
  if (params.shell === "auto" && needsShell(params.command)) return viaShell;
  try {
    const [file = "", ...args] = splitArgv(params.command);
    return { file, args, shell: false };
  } catch (e) {
    // "auto" only gets here when the split disagrees with needsShell; the shell knows best.
    if (params.shell === "auto" && e instanceof ShellSyntaxError) return viaShell;
    throw e;
  }
}

async function workdirProblem(dir: string): Promise<string | null> {
  try {
    return (await stat(dir)).isDirectory() ? null : `workdir ${dir} is not a directory`;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return `workdir ${dir} does not exist`;
    return `workdir ${dir}: ${(e as Error).message}`;
  }
}

/**
 * One process in its own group, its output streamed to the run, stopped (group-wide) on the
 * run's signal. Shared by command and script modes.
 */
export async function runProcess(
  inv: Invocation,
  params: { workdir?: string; env: Record<string, string> },
  ctx: ExecContext,
  runAs: RunAs | null,
): Promise<ExecResult> {
  const started = performance.now();
  // Its own process group: the group id is its pid, and killing -pid reaches every descendant.
  const child = startProcess(inv.file, inv.args, {
    cwd: params.workdir || undefined,
    // KAIROS_RUN_ID last, so a job's own env cannot hide it: it marks the run's processes (orphans.ts).
    env: { ...childEnv(params.env, runAs), KAIROS_RUN_ID: String(ctx.runId) },
    ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
  });
  const closed = new Promise<void>((resolve) => child.once("close", () => resolve()));
  const exited = new Promise<Exit>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const streams = [pipeOutput(child.stdout, "stdout", ctx.out), pipeOutput(child.stderr, "stderr", ctx.out)];
  const spawnError = await spawned(child);
  const pid = child.pid;
  if (spawnError || pid === undefined) {
    return { ok: false, error: await describeSpawnError(spawnError, inv.file, runAs, params.workdir) };
  }
  ctx.onProcess?.(pid);

  let killedFor: string | null = null;
  const onAbort = () => {
    killedFor = typeof ctx.signal.reason === "string" ? ctx.signal.reason : "cancel";
    stopGroup(pid);
  };
  ctx.signal.addEventListener("abort", onAbort, { once: true });
  if (ctx.signal.aborted) onAbort();
  try {
    const exit = await exited;
    const durationMs = Math.round(performance.now() - started);
    if (!(await settles(closed, DRAIN_GRACE_MS))) {
      ctx.out.write("system", "output still held open by background processes; stopped reading it\n");
      for (const s of streams) s.stop();
    }
    for (const s of streams) s.flush();
    return report(exit, killedFor, inv.shell, ctx.out, { pid, durationMs });
  } finally {
    ctx.signal.removeEventListener("abort", onAbort);
  }
}

/** Resolves with the spawn error (ENOENT, EACCES…), or undefined once the process runs. */
function spawned(child: StartedProcess): Promise<Error | undefined> {
  return new Promise((resolve) => {
    child.once("spawn", () => resolve(undefined));
    // Kept for the child's lifetime: an 'error' without a listener would crash the worker.
    child.on("error", (e) => resolve(e));
  });
}

/** Whether `file` exists as given or in a PATH folder (as Kairos sees them). */
async function existsOnPath(file: string): Promise<boolean> {
  const dirs = file.includes("/") ? [""] : (childEnv().PATH ?? "").split(":");
  for (const d of dirs) {
    const found = await stat(d ? path.join(d, file) : file).then(
      () => true,
      () => false,
    );
    if (found) return true;
  }
  return false;
}

async function describeSpawnError(
  e: Error | undefined,
  file: string,
  runAs: RunAs | null,
  workdir?: string,
): Promise<string> {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code === "ENOENT") return `command not found: ${file}`;
  // A PATH folder the job's user may not enter turns "not found" into EACCES.
  if (code === "EACCES" && runAs && !(await existsOnPath(file))) return `command not found: ${file}`;
  if (code === "EACCES" && runAs) {
    return `permission denied for user ${runAs.name} (KAIROS_RUN_AS): ${workdir ? `the workdir ${workdir} or ` : ""}${file}`;
  }
  if (code === "EACCES") return `permission denied: ${file}`;
  return e?.message ?? `could not start ${file}`;
}

/**
 * SIGTERM to the whole group now, SIGKILL to whatever is left of it after KILL_GRACE_MS. The
 * SIGKILL timer outlives the run on purpose: a grandchild ignoring SIGTERM must not survive.
 */
function stopGroup(pid: number): void {
  signalGroup(pid, "SIGTERM");
  setTimeout(() => signalGroup(pid, "SIGKILL"), KILL_GRACE_MS);
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

/** Streams a pipe to the output, decoding UTF-8 so a character split across chunks stays whole. */
function pipeOutput(stream: Readable, name: "stdout" | "stderr", out: RunOutput) {
  const decoder = new StringDecoder("utf8");
  let flushed = false;
  const flush = () => {
    if (flushed) return;
    flushed = true;
    const rest = decoder.end();
    if (rest) out.write(name, rest);
  };
  stream.on("data", (chunk: Buffer) => {
    const text = decoder.write(chunk);
    if (text) out.write(name, text);
  });
  stream.on("end", flush);
  return {
    flush,
    stop: () => {
      stream.removeAllListeners("data");
      stream.destroy();
    },
  };
}

function settles(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  return Promise.race([promise.then(() => true), timeout]).finally(() => clearTimeout(timer));
}

function report(
  exit: Exit,
  killedFor: string | null,
  shell: boolean,
  out: RunOutput,
  result: { pid: number; durationMs: number },
): ExecResult {
  const exitCode = exit.code;
  if (killedFor) {
    out.write("system", `killed (${killedFor})\n`);
    return { ok: false, exitCode, error: `killed (${killedFor})`, result };
  }
  const how = exit.signal ? `killed by ${exit.signal}` : `exit code ${exitCode}`;
  out.write("system", `${how} · ${result.durationMs} ms\n`);
  if (exit.signal) return { ok: false, exitCode, error: how, result };
  if (exitCode === 0) return { ok: true, exitCode, result };
  // sh reports a missing program as 127; name it, as a spawn without a shell would.
  const hint = shell && exitCode === 127 ? " (command not found)" : "";
  return { ok: false, exitCode, error: `${how}${hint}`, result };
}
