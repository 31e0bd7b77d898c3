import { readFileSync, realpathSync } from "node:fs";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LogStream } from "../../server/lib/enums";
import type { ExecContext } from "../../server/runs/executor";
import { needsShell, runCommand } from "../../server/runs/modes/command";
import { type CommandParams, ZCommandParams } from "../../server/runs/modes/params";

function harness() {
  const controller = new AbortController();
  const writes: { stream: LogStream; text: string }[] = [];
  const ctx: ExecContext = {
    runId: 1,
    jobId: 1,
    signal: controller.signal,
    timeoutMs: null,
    out: { write: (stream, text) => writes.push({ stream, text }) },
  };
  const text = (stream: LogStream) =>
    writes
      .filter((w) => w.stream === stream)
      .map((w) => w.text)
      .join("");
  return { controller, ctx, text };
}

function params(p: Partial<CommandParams> & { command: string }): CommandParams {
  return ZCommandParams.parse(p);
}

async function run(p: Partial<CommandParams> & { command: string }) {
  const h = harness();
  const result = await runCommand(params(p), h.ctx);
  return { result, stdout: h.text("stdout"), stderr: h.text("stderr"), system: h.text("system") };
}

/**
 * Whether a process still runs. An exited orphan is reparented to PID 1, which in some containers
 * never reaps it: a zombie (state Z) has exited all the same.
 */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

let dir: string;
beforeAll(async () => {
  dir = realpathSync(await mkdtemp(path.join(tmpdir(), "kairos-cmd-")));
  // As root, commands run as KAIROS_RUN_AS, which must be able to enter the workdir.
  await chmod(dir, 0o755);
  await writeFile(path.join(dir, "a.tmp"), "");
  await writeFile(path.join(dir, "b.tmp"), "");
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("needsShell", () => {
  it.each([
    ["echo $CUSTOM_VAR", true],
    ["find /tmp -name '*.tmp' -mtime +7 -delete", false],
    ["find /tmp -name *.tmp", true],
    ["ls -la /var/log", false],
    ["curl -s https://example.com/health", false],
    ["ls | wc -l", true],
    ["make build && make test", true],
    ["sleep 1; echo done", true],
    ["echo hi > /tmp/out", true],
    ["sort < input.txt", true],
    ["echo $(date)", true],
    ["echo `date`", true],
    ["(cd /tmp)", true],
    ["ls file?.txt", true],
    ["ls [ab].txt", true],
    ["ls ~/logs", true],
    ["echo a~b", false],
    ["echo hi # a comment", true],
    ["echo issue#12", false],
    ["echo '$HOME | * ; >'", false],
    ['echo "$HOME"', true],
    ['echo "a * b | c"', false],
    ["echo \\$HOME", false],
    ["FOO=1 env", true],
    ["cd /tmp", true],
    ["export X=1", true],
    ["echo 'unclosed", true],
    ["echo one\necho two", true],
    ["python3 -c 'print(1)'", false],
  ])("%j → %s", (command, expected) => {
    expect(needsShell(command)).toBe(expected);
  });
});

describe("command mode", () => {
  it("captures stdout and stderr in order per stream", async () => {
    const r = await run({ command: "echo one; echo err1 >&2; echo two; echo err2 >&2" });
    expect(r.result).toMatchObject({ ok: true, exitCode: 0 });
    expect(r.stdout).toBe("one\ntwo\n");
    expect(r.stderr).toBe("err1\nerr2\n");
    expect(r.system.split("\n")[0]).toBe("$ echo one; echo err1 >&2; echo two; echo err2 >&2  (shell)");
    expect(r.result.result).toMatchObject({ pid: expect.any(Number), durationMs: expect.any(Number) });
  });

  it("keeps UTF-8 intact, also when a character is split between two chunks", async () => {
    const r = await run({ command: "echo 中文输出" });
    expect(r.stdout).toBe("中文输出\n");
    // 中 is E4 B8 AD: the first two bytes, a pause so they arrive alone, then the last one.
    const split = await run({
      command: "printf '\\344\\270'; sleep 0.2; printf '\\255\\n'",
      shell: "always",
    });
    expect(split.stdout).toBe("中\n");
  });

  it("fails with the exit code", async () => {
    const r = await run({ command: "exit 3", shell: "always" });
    expect(r.result).toMatchObject({ ok: false, exitCode: 3, error: "exit code 3" });
  });

  it("reports death by a signal", async () => {
    const r = await run({ command: "sh -c 'kill -9 $$'" });
    expect(r.result).toMatchObject({ ok: false, exitCode: null, error: "killed by SIGKILL" });
  });

  it("passes params.env on top of a clean environment (PATH kept)", async () => {
    const r = await run({ command: "echo $CUSTOM_VAR", env: { CUSTOM_VAR: "from params" } });
    expect(r.result.ok).toBe(true);
    expect(r.stdout).toBe("from params\n");
    const inherited = await run({ command: "printenv PATH" });
    expect(inherited.stdout.trim()).toBe(process.env.PATH);
  });

  it("runs in the workdir and refuses a missing one", async () => {
    const r = await run({ command: "pwd", workdir: dir });
    expect(r.stdout).toBe(`${dir}\n`);
    expect(r.system).toContain(`cwd: ${dir}`);

    const missing = await run({ command: "pwd", workdir: path.join(dir, "nope") });
    expect(missing.result).toEqual({ ok: false, error: `workdir ${path.join(dir, "nope")} does not exist` });
    const file = await run({ command: "pwd", workdir: path.join(dir, "a.tmp") });
    expect(file.result.error).toBe(`workdir ${path.join(dir, "a.tmp")} is not a directory`);
  });

  it("says when a command does not exist", async () => {
    const r = await run({ command: "kairos-no-such-command --flag" });
    expect(r.result).toEqual({ ok: false, error: "command not found: kairos-no-such-command" });
    const viaShell = await run({ command: "kairos-no-such-command $HOME" });
    expect(viaShell.result).toMatchObject({
      ok: false,
      exitCode: 127,
      error: "exit code 127 (command not found)",
    });
  });

  it("does not expand a quoted glob, and expands an unquoted one through the shell", async () => {
    const quoted = await run({ command: "echo '*.tmp'", workdir: dir });
    expect(quoted.stdout).toBe("*.tmp\n");
    expect(quoted.system).not.toContain("(shell)");
    const unquoted = await run({ command: "echo *.tmp", workdir: dir });
    expect(unquoted.stdout).toBe("a.tmp b.tmp\n");
    expect(unquoted.system).toContain("(shell)");
  });

  it("with shell never: splits words itself and refuses shell syntax", async () => {
    const r = await run({ command: `printf '%s|' "two words" 'single $quoted' plain`, shell: "never" });
    expect(r.stdout).toBe("two words|single $quoted|plain|");
    const pipe = await run({ command: "ls | wc -l", shell: "never" });
    expect(pipe.result.ok).toBe(false);
    expect(pipe.result.error).toMatch(/shell syntax \(\|\).*set shell/);
    const variable = await run({ command: "echo $HOME", shell: "never" });
    expect(variable.result.error).toMatch(/shell syntax \(\$HOME\)/);
  });

  it("does not wait for a background process that keeps the output open", async () => {
    const startedAt = performance.now();
    const r = await run({ command: "sleep 30 & echo $!" });
    expect(performance.now() - startedAt).toBeLessThan(6000);
    expect(r.result).toMatchObject({ ok: true, exitCode: 0 });
    expect(r.system).toContain("output still held open by background processes");
    process.kill(Number(r.stdout.trim()), "SIGKILL");
  });

  it("on abort kills the whole process group, grandchildren included", async () => {
    const h = harness();
    // No shell needed (everything is quoted): sh is the leader and prints its pid, then the two
    // background sleeps' pids.
    const running = runCommand(
      params({ command: `sh -c 'echo $$; sleep 100 & echo $!; sleep 100 & echo $!; wait'` }),
      h.ctx,
    );
    await expect.poll(() => h.text("stdout").trim().split("\n").length, { timeout: 5000 }).toBe(3);
    const pids = h.text("stdout").trim().split("\n").map(Number);
    expect(pids.every(alive)).toBe(true);

    const abortedAt = performance.now();
    h.controller.abort("cancel");
    const result = await running;
    expect(performance.now() - abortedAt).toBeLessThan(3000);
    expect(result).toMatchObject({ ok: false, error: "killed (cancel)" });
    expect(h.text("system")).toContain("killed (cancel)");
    await expect.poll(() => pids.filter(alive), { timeout: 3000 }).toEqual([]);
  });

  it("escalates to SIGKILL for processes that ignore SIGTERM", async () => {
    const h = harness();
    // An ignored signal stays ignored across exec, so the background sleep ignores SIGTERM too.
    const running = runCommand(
      params({ command: `trap '' TERM; echo $$; sleep 100 & echo $!; wait`, shell: "always" }),
      h.ctx,
    );
    await expect.poll(() => h.text("stdout").trim().split("\n").length, { timeout: 5000 }).toBe(2);
    const pids = h.text("stdout").trim().split("\n").map(Number);

    const abortedAt = performance.now();
    h.controller.abort("cancel");
    await running;
    expect(performance.now() - abortedAt).toBeLessThan(6000);
    await expect.poll(() => pids.filter(alive), { timeout: 5000 }).toEqual([]);
  });

  it("writes killed (timeout) when the abort reason is timeout", async () => {
    const h = harness();
    const running = runCommand(params({ command: "sleep 100" }), h.ctx);
    setTimeout(() => h.controller.abort("timeout"), 200);
    const result = await running;
    expect(result).toMatchObject({ ok: false, error: "killed (timeout)" });
    expect(h.text("system")).toMatch(/^killed \(timeout\)$/m);
  });

  it("does not start when already aborted", async () => {
    const h = harness();
    h.controller.abort("cancel");
    const result = await runCommand(params({ command: "echo never" }), h.ctx);
    expect(result).toEqual({ ok: false, error: "aborted" });
    expect(h.text("stdout")).toBe("");
  });
});
