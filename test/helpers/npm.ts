import { type ChildProcess, spawn } from "node:child_process";
import { waitFor } from "./wait";

/**
 * Runs `npm run <script>` as a user would, in its own process group. npm starts the script
 * through `sh -c`, and neither npm nor dash passes a signal on to the script's process, so the
 * group is what gets signalled: Ctrl-C in a terminal and systemd do the same.
 */
export function startNpmScript(script: string, env: NodeJS.ProcessEnv): ChildProcess {
  return spawn("npm", ["run", "--silent", script], {
    cwd: process.cwd(),
    env,
    detached: true,
    stdio: ["ignore", "inherit", "inherit"],
  });
}

const groupAlive = (pgid: number) => {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
};

/** SIGTERM to the script's whole group, then SIGKILL if anything in it outlives `timeoutMs`. */
export async function stopNpmScript(child: ChildProcess, timeoutMs = 20_000): Promise<void> {
  const pgid = child.pid;
  if (pgid === undefined || !groupAlive(pgid)) return;
  process.kill(-pgid, "SIGTERM");
  try {
    await waitFor("the npm script's processes to exit", () => !groupAlive(pgid), timeoutMs, 50);
  } catch (e) {
    if (groupAlive(pgid)) process.kill(-pgid, "SIGKILL");
    throw e;
  }
}
