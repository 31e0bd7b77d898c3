import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";

/**
 * Starts a TypeScript entry as a child process in its own process group (so Ctrl-C reaches
 * only the launcher, which then stops children in order) with an IPC channel (so a child
 * notices when the launcher dies and stops too).
 */
export function spawnTs(
  entry: string,
  env: NodeJS.ProcessEnv,
  opts: { pipeOutput?: boolean } = {},
): ChildProcess {
  return spawn(
    process.execPath,
    [
      ...(process.env.KAIROS_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.KAIROS_CPU_PROF}`] : []),
      "--import",
      path.join(process.cwd(), "scripts/lib/node-hooks.mjs"),
      path.join(process.cwd(), entry),
    ],
    {
      env,
      detached: true,
      stdio: opts.pipeOutput ? ["ignore", "pipe", "pipe", "ipc"] : ["ignore", "inherit", "inherit", "ipc"],
    },
  );
}

export async function stopChild(child: ChildProcess, name: string, timeoutMs = 20_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => {
    console.error(`${name} did not stop in ${timeoutMs / 1000} s: killing it`);
    child.kill("SIGKILL");
  }, timeoutMs);
  await exited;
  clearTimeout(timer);
}

/** Children call this: when the launcher's IPC channel closes, the launcher is gone. */
export function exitWithParent(shutdown: (reason: string) => void) {
  if (process.send) process.on("disconnect", () => shutdown("launcher exited"));
}
