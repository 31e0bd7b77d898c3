/**
 * Issue 7, Critical 1: the File built-in took `path.resolve(dataDir, p)`, so an operator read a
 * root-only 0600 file and wrote a module into the functions folder (then ran it as root);
 * Backup and Cleanup took the same paths (Cleanup could delete the Postgres cluster). Now they
 * reach only KAIROS_FILE_ROOTS, judged after following links, and never write the functions folder.
 */
import { existsSync, readFileSync } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseEnv, resetEnvCache } from "../../server/lib/env";
import type { ExecContext } from "../../server/runs/executor";
import { runFunc } from "../../server/runs/modes/func";

let tmp: string;
let root: string;
let outside: string;
let secret: string;
let functionsDir: string;
const saved = { ...process.env };

async function call(name: string, ...args: string[]) {
  let out = "";
  const ctx: ExecContext = {
    runId: 1,
    jobId: 1,
    signal: new AbortController().signal,
    timeoutMs: null,
    out: {
      write: (_s, text) => {
        out += text;
      },
    },
  };
  const res = await runFunc({ name, args }, ctx);
  return { ...res, out };
}

beforeAll(async () => {
  tmp = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "kairos-roots-")));
  root = path.join(tmp, "data", "files");
  outside = path.join(tmp, "outside");
  functionsDir = path.join(tmp, "data", "functions");
  await fs.mkdir(outside, { recursive: true });
  await fs.mkdir(functionsDir, { recursive: true });
  secret = path.join(outside, "shadow");
  await fs.writeFile(secret, "root:$6$secret-hash");
  await fs.chmod(secret, 0o600);
});

beforeEach(() => {
  process.env.KAIROS_DATA_DIR = path.join(tmp, "data");
  process.env.KAIROS_FUNCTIONS_DIR = functionsDir;
  delete process.env.KAIROS_FILE_ROOTS;
  resetEnvCache();
});

afterAll(async () => {
  process.env = saved;
  resetEnvCache();
  await fs.rm(tmp, { recursive: true, force: true });
});

describe("file built-ins stay under KAIROS_FILE_ROOTS", () => {
  it("defaults to <data dir>/files, where relative paths start", async () => {
    const w = await call("File", "write", "report.txt", "hi");
    expect(w.ok, w.error ?? "").toBe(true);
    expect(readFileSync(path.join(root, "report.txt"), "utf8")).toBe("hi");
    expect((await call("File", "read", "report.txt")).out).toBe("hi\n");
  });

  it("refuses to read a 0600 file outside, by absolute path, by .. and through a link", async () => {
    for (const p of [secret, "../../outside/shadow", `${root}/../../outside/shadow`]) {
      const r = await call("File", "read", p);
      expect(r.ok, p).toBe(false);
      expect(r.error, p).toMatch(/outside the folders Kairos may touch .*KAIROS_FILE_ROOTS/);
      expect(r.out).not.toContain("secret-hash");
    }
    await fs.mkdir(root, { recursive: true });
    await fs.symlink(secret, path.join(root, "innocent.txt"));
    await fs.symlink(outside, path.join(root, "dir-link"));
    for (const p of ["innocent.txt", "dir-link/shadow"]) {
      const r = await call("File", "read", p);
      expect(r.error, p).toMatch(/outside the folders/);
      expect(r.out).not.toContain("secret-hash");
    }
    // Writing through a link to the outside is refused too, and the target is untouched.
    expect((await call("File", "write", "innocent.txt", "pwned")).error).toMatch(/outside the folders/);
    expect((await call("File", "write", "dir-link/new.txt", "pwned")).error).toMatch(/outside the folders/);
    expect(readFileSync(secret, "utf8")).toBe("root:$6$secret-hash");
    expect(existsSync(path.join(outside, "new.txt"))).toBe(false);
    // Deleting the link removes the link, never its target.
    expect((await call("File", "delete", "innocent.txt")).ok).toBe(true);
    expect(existsSync(secret)).toBe(true);
  });

  it("never writes into the functions folder, even when a root holds it", async () => {
    process.env.KAIROS_FILE_ROOTS = path.join(tmp, "data");
    resetEnvCache();
    const attack = await call("File", "write", "functions/pwn.mjs", "export const pwn = () => 'uid=0';");
    expect(attack.ok).toBe(false);
    expect(attack.error).toMatch(/functions folder is never written/);
    expect(existsSync(path.join(functionsDir, "pwn.mjs"))).toBe(false);
    expect((await call("File", "append", `${functionsDir}/x.js`, "x")).error).toMatch(/functions folder/);
    expect((await call("Backup", path.join(tmp, "data", "files"), functionsDir)).error).toMatch(
      /functions folder/,
    );
    // Reading it is fine; Cleanup of a folder holding it leaves its files alone.
    await fs.writeFile(path.join(functionsDir, "mine.mjs"), "export const a = 1;");
    const old = new Date(Date.now() - 30 * 86_400_000);
    await fs.utimes(path.join(functionsDir, "mine.mjs"), old, old);
    expect((await call("File", "read", "functions/mine.mjs")).ok).toBe(true);
    const c = await call("Cleanup", path.join(tmp, "data"), "1");
    expect(c.ok, c.error ?? "").toBe(true);
    expect(existsSync(path.join(functionsDir, "mine.mjs"))).toBe(true);
  });

  it("refuses Backup and Cleanup outside the roots", async () => {
    const b = await call("Backup", outside, "backups");
    expect(b.error).toMatch(/outside the folders/);
    expect(existsSync(path.join(root, "backups"))).toBe(false);
    await fs.mkdir(path.join(root, "src"), { recursive: true });
    expect((await call("Backup", "src", outside)).error).toMatch(/outside the folders/);
    const pg = path.join(tmp, "data", "pg");
    await fs.mkdir(pg, { recursive: true });
    await fs.writeFile(path.join(pg, "PG_VERSION"), "18");
    const old = new Date(Date.now() - 30 * 86_400_000);
    await fs.utimes(path.join(pg, "PG_VERSION"), old, old);
    expect((await call("Cleanup", pg, "0")).error).toMatch(/outside the folders/);
    expect((await call("Cleanup", "../pg", "0")).error).toMatch(/outside the folders/);
    expect(existsSync(path.join(pg, "PG_VERSION"))).toBe(true);
  });

  it("takes several roots, and refuses a malformed list at start", async () => {
    process.env.KAIROS_FILE_ROOTS = `${root},${outside}`;
    resetEnvCache();
    expect((await call("File", "read", secret)).out).toContain("secret-hash");
    expect(() => parseEnv({ KAIROS_FILE_ROOTS: "/a,,/b" })).toThrow(/KAIROS_FILE_ROOTS/);
    expect(parseEnv({ KAIROS_DATA_DIR: "/srv/k" }).fileRoots).toEqual(["/srv/k/files"]);
  });
});
