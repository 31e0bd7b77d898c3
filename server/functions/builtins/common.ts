import "server-only";
import type { Dirent, Stats } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { DrizzleQueryError } from "drizzle-orm/errors";
import type { z } from "zod";
import { issueMsg, LocalizedError, msg, renderMsg } from "../../i18n/errors";
import type { ExecContext, ExecResult } from "../../runs/executor";

/** A function shipped with Kairos (the seed's TimerJobs built-ins), called with string arguments. */
export type Builtin = {
  name: string;
  /** Parameter names for display; `…` marks a rest parameter. */
  params: string[];
  description: string;
  descriptionZh: string;
  /** May throw: the caller turns errors into a failed result. */
  run(args: string[], ctx: ExecContext): Promise<ExecResult>;
};

/** Writes one line (or block) to the run's stdout. */
export function print(ctx: ExecContext, text: string) {
  ctx.out.write("stdout", text.endsWith("\n") ? text : `${text}\n`);
}

/**
 * The job text splits arguments on every comma, so a last argument that may itself contain
 * commas (SQL, a mail body, JSON) is everything from `from` on, joined back.
 */
export function rest(args: string[], from: number): string {
  return args.slice(from).join(",");
}

export function errorMessage(e: unknown): string {
  // drizzle wraps the database's error in one that repeats the whole query: the cause says why.
  if (e instanceof DrizzleQueryError && e.cause instanceof Error) return e.cause.message;
  if (e instanceof Error) return e.message || e.name;
  return String(e);
}

/** Validates arguments with zod and throws one readable line ("threshold: must be a number"). */
export function parseArgs<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  // The argument's name is enough ("to", not "to.0").
  const where = issue?.path.length ? `${String(issue.path[0])}: ` : "";
  // A catalog message (zodText) travels with the failure so it reads in the reader's language.
  const m = issue ? issueMsg(issue) : null;
  if (issue && m && renderMsg(m, "en") === issue.message) {
    throw new LocalizedError(
      issue.path.length ? msg("args.invalid", { field: String(issue.path[0]), reason: m }) : m,
    );
  }
  throw new Error(`${where}${issue?.message ?? "invalid arguments"}`);
}

/** "1 file", "2 files". */
export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

const UNITS = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
export function formatBytes(n: number): string {
  let v = n;
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} B` : `${v.toFixed(1)} ${UNITS[u]}`;
}

/** Turns the common file-system error codes into sentences that name the path. */
export function fsError(e: unknown, p: string): Error {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case "ENOENT":
      return new Error(`no such file or folder: ${p}`);
    case "EACCES":
    case "EPERM":
      return new Error(`permission denied: ${p}`);
    case "EISDIR":
      return new Error(`is a folder, not a file: ${p}`);
    case "ENOTDIR":
      return new Error(`not a folder: ${p}`);
    case "EEXIST":
      return new Error(`already exists: ${p}`);
    default:
      return e instanceof Error ? e : new Error(String(e));
  }
}

export type WalkEntry = { path: string; rel: string; dirent: Dirent; stats: Stats };

/**
 * Every entry under `root`, depth first, never following symbolic links (a link is reported as
 * a link, not entered). Checks the abort signal between entries so long walks stop promptly.
 */
export async function* walk(root: string, signal: AbortSignal, rel = ""): AsyncGenerator<WalkEntry> {
  const dir = path.join(root, rel);
  const entries = await fs.readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const dirent of entries) {
    signal.throwIfAborted();
    const childRel = rel ? path.join(rel, dirent.name) : dirent.name;
    const full = path.join(root, childRel);
    let stats: Stats;
    try {
      stats = await fs.lstat(full);
    } catch {
      // Removed while walking: nothing to report.
      continue;
    }
    yield { path: full, rel: childRel, dirent, stats };
    if (stats.isDirectory()) yield* walk(root, signal, childRel);
  }
}

/**
 * Settles like `p`, or rejects with the abort reason as soon as `signal` fires: for work that
 * cannot be interrupted (a provider, user code), the run still ends promptly.
 */
export function untilAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
