import { spawn } from "node:child_process";
import path from "node:path";

export const BIN = path.resolve("bin/kairos.js");

export type CliResult = { code: number | null; stdout: string; stderr: string };

/** Runs the real `kairos` binary (node bin/kairos.js …) and collects what it printed. */
export function kairos(
  args: string[],
  o: { env?: Record<string, string | undefined>; stdin?: string; cwd?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: o.cwd ?? process.cwd(),
      env: { ...process.env, LOG_LEVEL: "warn", NODE_ENV: "production", ...o.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`kairos ${args.join(" ")} did not finish\n${stdout}\n${stderr}`));
    }, o.timeoutMs ?? 60_000);
    child.once("error", reject);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(o.stdin ?? "");
  });
}
