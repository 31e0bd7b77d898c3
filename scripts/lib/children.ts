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
  if (!process.send) return;
  // The launcher may have gone while this process was still starting up.
  if (!process.connected) shutdown("launcher exited");
  else process.on("disconnect", () => shutdown("launcher exited"));
}

export type SupervisorLog = {
  info: (obj: object, msg: string) => void;
  error: (obj: object, msg: string) => void;
};

export type Supervised = {
  name: string;
  /** The process running now (a new one after each restart). */
  current: () => ChildProcess;
  restarts: () => number;
  /** Stops it for good (no restart). */
  stop: () => Promise<void>;
};

/** Exit code of a process that found its configuration unusable: restarting cannot help. */
export const EXIT_CONFIG = 78;

/**
 * Keeps one child running: when it exits on its own, logs why and starts it again after a
 * back-off (1 s doubling to 30 s; back to 1 s once a child has stayed up for a minute), so one
 * crash of the web or the worker does not stop the rest of Kairos. A child that exits with
 * EXIT_CONFIG is not restarted: `onGiveUp` decides what happens then.
 */
export function supervise(
  name: string,
  start: () => ChildProcess,
  opts: {
    log: SupervisorLog;
    onGiveUp: (reason: string) => void;
    baseDelayMs?: number;
    maxDelayMs?: number;
    stableAfterMs?: number;
  },
): Supervised {
  const base = opts.baseDelayMs ?? 1_000;
  const max = opts.maxDelayMs ?? 30_000;
  const stableAfter = opts.stableAfterMs ?? 60_000;
  let delay = base;
  let restarts = 0;
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  let child: ChildProcess;
  const launch = () => {
    const startedAt = Date.now();
    child = start();
    child.once("exit", (code, signal) => {
      if (stopping) return;
      if (code === EXIT_CONFIG) {
        opts.log.error({ process: name, code }, `${name} cannot start with this configuration`);
        opts.onGiveUp(`${name} exited with a configuration error`);
        return;
      }
      if (Date.now() - startedAt >= stableAfter) delay = base;
      opts.log.error(
        { process: name, code, signal, restartInMs: delay, restarts },
        `${name} exited unexpectedly (${signal ? `signal ${signal}` : `exit code ${code}`}); restarting it in ${delay / 1000} s`,
      );
      timer = setTimeout(() => {
        timer = undefined;
        if (stopping) return;
        restarts++;
        launch();
        opts.log.info({ process: name, pid: child.pid, restarts }, `${name} restarted`);
      }, delay);
      delay = Math.min(delay * 2, max);
    });
  };
  launch();
  return {
    name,
    current: () => child,
    restarts: () => restarts,
    stop: async () => {
      stopping = true;
      clearTimeout(timer);
      await stopChild(child, name);
    },
  };
}
