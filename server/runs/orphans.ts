// Commands left behind by a worker that died. A command runs in its own process group (so
// stopping it reaches its children); when its worker is SIGKILLed the group lives on while the
// run is marked lost and retried, so two copies could run at once. Each command carries
// KAIROS_RUN_ID in its environment and its run records host and group id (RunStore), so a
// worker on the same host can find exactly that group, and end it, before the retry.
import "server-only";
import { readdir, readFile } from "node:fs/promises";
import os from "node:os";

export const thisHost = () => os.hostname();

/**
 * Live processes of group `pgid` that were started for run `runId` (Linux /proc). A group id
 * can be reused once the group is gone, so the environment is what proves it is ours.
 */
export async function processesOfRun(pgid: number, runId: number): Promise<number[]> {
  let entries: string[];
  try {
    entries = await readdir("/proc");
  } catch {
    return [];
  }
  const marker = `KAIROS_RUN_ID=${runId}`;
  const found: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, "utf8");
      // pid (comm) state ppid pgrp …: comm may hold spaces and parentheses, so split after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) !== pgid || fields[0] === "Z") continue;
      const environ = await readFile(`/proc/${entry}/environ`, "utf8");
      if (environ.split("\0").includes(marker)) found.push(Number(entry));
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found;
}

const signalGroup = (pgid: number, signal: NodeJS.Signals) => {
  try {
    process.kill(-pgid, signal);
  } catch {
    // Already gone.
  }
};

async function gone(pgid: number, runId: number, withinMs: number): Promise<boolean> {
  const until = Date.now() + withinMs;
  for (;;) {
    if (!(await processesOfRun(pgid, runId)).length) return true;
    if (Date.now() >= until) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Ends the process group a dead worker left for `runId`: SIGTERM, then SIGKILL after
 * `graceMs`, as a stop request would. Returns the processes found (none: nothing was running).
 */
export async function endOrphanedCommand(pgid: number, runId: number, graceMs = 2000): Promise<number[]> {
  const found = await processesOfRun(pgid, runId);
  if (!found.length) return [];
  signalGroup(pgid, "SIGTERM");
  if (!(await gone(pgid, runId, graceMs))) {
    signalGroup(pgid, "SIGKILL");
    await gone(pgid, runId, 2000);
  }
  return found;
}
