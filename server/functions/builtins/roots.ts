import fs from "node:fs/promises";
import path from "node:path";
import { env } from "../../lib/env";

/**
 * Where the file built-ins (File, Backup, Cleanup) may reach: only under `KAIROS_FILE_ROOTS`
 * (default `<data dir>/files`), judged on the real path — symbolic links followed, `..` and
 * absolute paths resolved first — so neither a link nor a path trick leads outside. The
 * functions folder is never writable through them: a file written there would be imported and
 * run as Kairos (issue 7, Critical 1).
 */

export type Access = "read" | "write";

export const isInside = (child: string, parent: string) => {
  const rel = path.relative(parent, child);
  return rel === "" || (!rel.startsWith(`..${path.sep}`) && rel !== ".." && !path.isAbsolute(rel));
};

const errno = (e: unknown) => (e as NodeJS.ErrnoException | undefined)?.code;

/**
 * The real path of `abs`, which may not exist yet: the deepest existing ancestor is resolved
 * (links followed) and the missing rest appended. A dangling link is refused: where it would
 * create a file is decided by a target nobody checked.
 */
export async function realPathOf(abs: string): Promise<string> {
  const tail: string[] = [];
  let cur = abs;
  for (;;) {
    try {
      return path.join(await fs.realpath(cur), ...tail);
    } catch (e) {
      if (errno(e) !== "ENOENT") throw e;
      const st = await fs.lstat(cur).catch(() => null);
      if (st?.isSymbolicLink()) throw new Error(`is a symbolic link to something missing: ${abs}`);
      const parent = path.dirname(cur);
      if (parent === cur) return abs;
      tail.unshift(path.basename(cur));
      cur = parent;
    }
  }
}

/** The configured roots as real paths; the default root is created on first use. */
export async function fileRoots(): Promise<string[]> {
  const e = env();
  const out: string[] = [];
  for (const root of e.fileRoots) {
    if (root === e.defaultFileRoot) await fs.mkdir(root, { recursive: true });
    const real = await fs.realpath(root).catch(() => null);
    if (real) out.push(real);
  }
  return out;
}

/** Folders never written through Kairos, as real paths (they may not exist yet). */
export async function protectedFolders(): Promise<string[]> {
  return [await realPathOf(env().functionsDir)];
}

/** A user-given path made absolute: relative paths start in the first root. */
export function absoluteUserPath(given: string): string {
  const e = env();
  return path.resolve(e.fileRoots[0] ?? e.defaultFileRoot, given);
}

/**
 * A user-given path, resolved and checked against the roots for `access`. Throws a sentence
 * naming the path and what to do. With `followLast: false` a final symbolic link stays a link
 * (for unlink / lstat, which act on the link itself); its folder is still resolved.
 */
export async function resolveInRoots(
  given: string,
  access: Access,
  { followLast = true }: { followLast?: boolean } = {},
): Promise<string> {
  const e = env();
  const abs = absoluteUserPath(given);
  const real =
    followLast || path.dirname(abs) === abs
      ? await realPathOf(abs)
      : path.join(await realPathOf(path.dirname(abs)), path.basename(abs));
  const roots = await fileRoots();
  if (!roots.some((r) => isInside(real, r))) {
    throw new Error(
      `${given} is outside the folders Kairos may touch (${e.fileRoots.join(", ")}); an admin can add a folder to KAIROS_FILE_ROOTS`,
    );
  }
  if (access === "write") {
    for (const p of await protectedFolders()) {
      if (isInside(real, p)) {
        throw new Error(`${given}: the functions folder is never written through Kairos`);
      }
    }
  }
  return real;
}
