import { describe, expect, it } from "vitest";
import { type StartedProcess, startProcess } from "../../server/runs/modes/spawner";

function collect(p: StartedProcess) {
  let stdout = "";
  let stderr = "";
  p.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  p.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  const exit = new Promise<[number | null, string | null]>((r) => p.once("exit", (c, s) => r([c, s])));
  const closed = new Promise<void>((r) => p.once("close", () => r()));
  return { exit, closed, out: () => ({ stdout, stderr }) };
}

describe("process starter", () => {
  it("starts processes from a helper, in their own group, with their output and exit", async () => {
    const p = startProcess(
      "/bin/sh",
      ["-c", 'echo "ppid=$PPID pgid=$(ps -o pgid= $$)"; echo oops >&2; exit 3'],
      {
        env: { PATH: process.env.PATH },
      },
    );
    const c = collect(p);
    await new Promise((r) => p.once("spawn", r));
    expect(p.pid).toBeTypeOf("number");
    expect(await c.exit).toEqual([3, null]);
    await c.closed;
    const { stdout, stderr } = c.out();
    const ppid = Number(/ppid=(\d+)/.exec(stdout)?.[1]);
    expect(ppid).not.toBe(process.pid);
    expect(Number(/pgid=\s*(\d+)/.exec(stdout)?.[1])).toBe(p.pid);
    expect(stderr).toBe("oops\n");
  });

  it("reports a program that cannot start", async () => {
    const p = startProcess("/no/such/program", [], { env: {} });
    const err = await new Promise<NodeJS.ErrnoException>((r) => p.once("error", r));
    expect(err.code).toBe("ENOENT");
  });

  it("ends the runs of a helper that died, and starts a new helper for the next", async () => {
    const p = startProcess("/bin/sh", ["-c", "echo $PPID; exec sleep 30"], {
      env: { PATH: process.env.PATH },
    });
    const c = collect(p);
    await expect.poll(() => c.out().stdout).toMatch(/\d+\n/);
    const helper = Number(c.out().stdout.trim());
    process.kill(helper, "SIGKILL");
    expect(await c.exit).toEqual([null, null]);
    await c.closed;
    process.kill(-(p.pid as number), "SIGKILL");

    const again = startProcess("/bin/sh", ["-c", "echo $PPID"], { env: { PATH: process.env.PATH } });
    const d = collect(again);
    expect(await d.exit).toEqual([0, null]);
    await d.closed;
    expect(Number(d.out().stdout.trim())).not.toBe(helper);
  });
});
