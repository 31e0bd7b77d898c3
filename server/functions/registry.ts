import { execFile } from "node:child_process";
import { type Dirent, type FSWatcher, watch } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { childEnv } from "../lib/child-env";
import { env } from "../lib/env";
import { log } from "../lib/log";
import type { ExecContext, ExecResult } from "../runs/executor";
import { BUILTINS, type Builtin, getBuiltin, runBuiltin } from "./builtins";
import { callInProcess, type ErrorInfo, listInProcess } from "./user-process";

/**
 * User functions: the `.js` / `.mjs` files of the functions folder, imported in-process. Every
 * exported function whose name does not start with `_` becomes callable from func-mode jobs.
 * Helpers shared between files belong in a subfolder (not scanned) or behind `_` names.
 */

export type FunctionInfo = {
  name: string;
  kind: "builtin" | "user";
  params: string[];
  description: string;
  descriptionZh?: string;
  file?: string;
};
export type FunctionLoadError = { file: string; message: string };
export type FunctionListing = { functions: FunctionInfo[]; errors: FunctionLoadError[]; loadedAt: Date };

/** The last argument a user function receives, after the job's string arguments. */
export type UserFunctionContext = {
  runId: number;
  jobId: number;
  signal: AbortSignal;
  /** Writes a line to the run's output. */
  log(text: unknown): void;
};

type Callable = (...args: unknown[]) => unknown;

export type UserFunction = {
  info: FunctionInfo;
  fn: Callable;
  /**
   * How many arguments come before the context: the declared parameters (up to a rest
   * parameter, without a last `ctx` / `context`). Missing job arguments are passed as
   * undefined, so defaults apply and the context lands where the function expects it.
   */
  arity: number;
};

export type ResolvedFunction =
  | { kind: "builtin"; builtin: Builtin }
  | { kind: "user"; fn: UserFunction }
  | { kind: "missing"; message: string };

const DEBOUNCE_MS = 200;
const REWATCH_MS = 2_000;
const FILE_RE = /^[^.].*\.m?js$/;

type Loaded = {
  user: Map<string, UserFunction>;
  errors: FunctionLoadError[];
  loadedAt: Date;
  /** The folder and file stamps this load came from; null before the first load. */
  signature: string | null;
};
type Watching = { stop: () => void; users: number };
type State = { loaded: Loaded; chain: Promise<unknown>; counter: number; watching: Watching | null };

// On globalThis so Next's dev reloads share one registry and one watcher instead of leaking them.
const g = globalThis as typeof globalThis & { __kairosFunctions?: State };
g.__kairosFunctions ??= {
  loaded: { user: new Map(), errors: [], loadedAt: new Date(), signature: null },
  chain: Promise.resolve(),
  counter: 0,
  watching: null,
};
const state: State = g.__kairosFunctions;

const l = () => log("functions");

// ---------------------------------------------------------------------------------------------
// Reading a function's shape from its source

/** Parameter names as written (`a`, `...rest`, `{ x, y }`), defaults dropped. */
export function parseParams(source: string): string[] {
  const s = source.trimStart();
  if (/^class\b/.test(s)) return [];
  const bare = /^(?:async\s+)?([A-Za-z_$][\w$]*)\s*=>/.exec(s);
  if (bare?.[1]) return [bare[1]];
  const open = s.indexOf("(");
  if (open < 0) return [];
  const parts: string[] = [];
  let current = "";
  let depth = 0;
  let quote: string | null = null;
  for (let i = open + 1; i < s.length; i++) {
    const c = s[i] ?? "";
    const next = s[i + 1] ?? "";
    if (quote) {
      current += c;
      if (c === "\\") {
        current += next;
        i++;
      } else if (c === quote) quote = null;
      continue;
    }
    if (c === "/" && next === "*") {
      const end = s.indexOf("*/", i + 2);
      i = end < 0 ? s.length : end + 1;
      continue;
    }
    if (c === "/" && next === "/") {
      const end = s.indexOf("\n", i);
      i = end < 0 ? s.length : end;
      continue;
    }
    if (c === '"' || c === "'" || c === "`") quote = c;
    else if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") {
      if (depth === 0) break;
      depth--;
    } else if (c === "," && depth === 0) {
      parts.push(current);
      current = "";
      continue;
    }
    current += c;
  }
  parts.push(current);
  return parts.map(withoutDefault).filter(Boolean);
}

/** `b = 1` → `b`; the `=` inside a destructuring pattern is left alone. */
function withoutDefault(param: string): string {
  let depth = 0;
  let end = param.length;
  for (let i = 0; i < param.length; i++) {
    const c = param[i];
    if (c === "{" || c === "[" || c === "(") depth++;
    else if (c === "}" || c === "]" || c === ")") depth--;
    else if (c === "=" && depth === 0) {
      end = i;
      break;
    }
  }
  return param.slice(0, end).replace(/\s+/g, " ").trim();
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The description from the `/** … *\/` comment right before the function's declaration. Lines
 * after an `@tag` are left out, except `@zh`, which gives the Chinese description.
 */
export function describeFromSource(
  source: string,
  names: string[],
): { description: string; descriptionZh?: string } {
  for (const name of new Set(names.filter(Boolean))) {
    const n = escapeRegExp(name);
    const re = new RegExp(
      String.raw`/\*\*((?:(?!\*/)[\s\S])*)\*/\s*(?:export\s+)?(?:default\s+)?(?:async\s+)?` +
        String.raw`(?:function\s*\*?\s*${n}\s*\(|(?:const|let|var)\s+${n}\s*=|(?:module\.)?exports\.${n}\s*=)`,
    );
    const body = re.exec(source)?.[1];
    if (body === undefined) continue;
    const main: string[] = [];
    const zh: string[] = [];
    let into: string[] | null = main;
    for (const raw of body.split("\n")) {
      const line = raw.replace(/^\s*\*?\s?/, "").trim();
      const tag = /^@(\w+)\s*(.*)$/.exec(line);
      if (tag) {
        into = tag[1] === "zh" ? zh : null;
        if (into && tag[2]) into.push(tag[2]);
      } else if (into && line) into.push(line);
    }
    const description = main.join(" ");
    const descriptionZh = zh.join(" ");
    return descriptionZh ? { description, descriptionZh } : { description };
  }
  return { description: "" };
}

// ---------------------------------------------------------------------------------------------
// Loading

type FileStamp = { name: string; full: string; mtimeMs: number; size: number };

async function scanFolder(dir: string): Promise<FileStamp[]> {
  let entries: Dirent[];
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw e;
  }
  const files: FileStamp[] = [];
  for (const e of entries) {
    if (!FILE_RE.test(e.name) || !(e.isFile() || e.isSymbolicLink())) continue;
    const full = path.join(dir, e.name);
    const st = await fs.stat(full).catch(() => null);
    if (st?.isFile()) files.push({ name: e.name, full, mtimeMs: st.mtimeMs, size: st.size });
  }
  return files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

const signatureOf = (dir: string, files: FileStamp[]) =>
  JSON.stringify([dir, files.map((f) => [f.name, f.mtimeMs, f.size])]);

const execFileAsync = promisify(execFile);

/**
 * Node's message for a syntax error in a module does not say where it is (the location only
 * reaches the console of a crashing process); `node --check` prints it, so ask it.
 */
async function syntaxErrorLine(file: string): Promise<number | null> {
  try {
    await execFileAsync(process.execPath, ["--check", file], { timeout: 5_000, env: childEnv() });
    return null;
  } catch (e) {
    const stderr = String((e as { stderr?: unknown }).stderr ?? "");
    const at = /^.*:(\d+)$/m.exec(stderr.split("\n")[0] ?? "");
    return at ? Number(at[1]) : null;
  }
}

async function importErrorMessage(e: unknown, file?: string): Promise<string> {
  if (!(e instanceof Error)) return String(e);
  const message = e.message || e.name;
  // Any failed import is checked: loaders word syntax errors differently (Node, Vite in tests).
  if (!file) return message;
  const line = await syntaxErrorLine(file);
  return line === null ? message : `${message} (line ${line})`;
}

/** An error the functions process reported, as an Error (for the syntax-error line lookup). */
function asError(info: ErrorInfo): Error {
  const e = new Error(info.message);
  e.name = info.name;
  if (info.stack) e.stack = info.stack;
  return e;
}

/** A callable that runs the function in a functions process (findFunction's convention). */
function remote(dir: string, file: string, name: string, arity: number): Callable {
  return async (...args: unknown[]) => {
    const last = args.at(-1);
    const isCtx = typeof last === "object" && last !== null && "signal" in last;
    const ctx = isCtx ? (last as Partial<UserFunctionContext>) : undefined;
    const strings = (isCtx ? args.slice(0, -1) : args).map((a) => (a === undefined ? "" : String(a)));
    const log = (v: unknown) => ctx?.log?.(v);
    const r = await callInProcess(
      { dir, file, name, args: strings, arity, runId: ctx?.runId ?? 0, jobId: ctx?.jobId ?? 0 },
      ctx?.signal ?? new AbortController().signal,
      { write: (_s, text) => log(text.replace(/\n$/, "")) },
      log,
    );
    if (!r.ok) throw asError(r.error);
    return r.value;
  };
}

async function load(): Promise<Loaded> {
  const dir = env().functionsDir;
  const files = await scanFolder(dir);
  const user = new Map<string, UserFunction>();
  const errors: FunctionLoadError[] = [];
  const builtinByLower = new Map(BUILTINS.map((b) => [b.name.toLowerCase(), b.name]));
  // Importing runs a module's top-level code: it happens in a functions process, not here.
  const listed = files.length ? await listInProcess(dir, files) : [];
  for (const file of files) {
    const found = listed.find((x) => x.file === file.name);
    let source: string;
    try {
      source = await fs.readFile(file.full, "utf8");
      if (!found) throw new Error("the functions process did not load it");
      if (found.error) throw asError(found.error);
    } catch (e) {
      errors.push({ file: file.name, message: await importErrorMessage(e, file.full) });
      continue;
    }
    for (const ex of found.exports ?? []) {
      const name = ex.name;
      if (name === "default" || name.startsWith("_")) continue;
      if (/^class\b/.test(ex.source)) continue;
      const builtin = builtinByLower.get(name.toLowerCase());
      if (builtin) {
        errors.push({
          file: file.name,
          message: `"${name}" is the name of the built-in function ${builtin}; the built-in is used`,
        });
        continue;
      }
      const earlier = user.get(name);
      if (earlier) {
        errors.push({
          file: file.name,
          message: `"${name}" is already defined in ${earlier.info.file}; that one is used`,
        });
        continue;
      }
      const declared = parseParams(ex.source);
      const last = declared.at(-1);
      const params = last === "ctx" || last === "context" ? declared.slice(0, -1) : declared;
      const rest = params.findIndex((p) => p.startsWith("..."));
      const arity = rest < 0 ? params.length : rest;
      user.set(name, {
        fn: remote(dir, file.name, name, arity),
        arity,
        info: {
          name,
          kind: "user",
          params,
          ...describeFromSource(source, [name, ex.fnName]),
          file: file.name,
        },
      });
    }
  }
  for (const e of errors) l().warn({ file: e.file, err: e.message }, "user function not loaded");
  l().debug({ dir, functions: [...user.keys()], errors: errors.length }, "user functions loaded");
  return { user, errors, loadedAt: new Date(), signature: signatureOf(dir, files) };
}

// ---------------------------------------------------------------------------------------------
// Public API

const builtinInfo = (b: Builtin): FunctionInfo => ({
  name: b.name,
  kind: "builtin",
  params: b.params,
  description: b.description,
  descriptionZh: b.descriptionZh,
});

export function listFunctions(): FunctionListing {
  const { user, errors, loadedAt } = state.loaded;
  const users = [...user.values()].map((u) => u.info).sort((a, b) => a.name.localeCompare(b.name));
  return { functions: [...BUILTINS.map(builtinInfo), ...users], errors: [...errors], loadedAt };
}

/** Imports the functions folder again. Loads never overlap: a request during one waits for it. */
export async function reloadFunctions(): Promise<FunctionListing> {
  const next = state.chain.then(load, load);
  state.chain = next.catch(() => {});
  try {
    state.loaded = await next;
  } catch (e) {
    // The folder itself could not be read: keep what was loaded, say why.
    state.loaded = {
      ...state.loaded,
      errors: [{ file: ".", message: await importErrorMessage(e) }],
      loadedAt: new Date(),
    };
  }
  return listFunctions();
}

/**
 * Reloads when the folder's files changed since the last load (or nothing was loaded yet).
 * Cheap (a directory listing and a stat per file); covers processes that run no watcher and
 * file systems whose change events are unreliable.
 */
export async function ensureFunctionsFresh(): Promise<void> {
  const dir = env().functionsDir;
  const current = signatureOf(dir, await scanFolder(dir));
  if (current !== state.loaded.signature) await reloadFunctions();
}

/**
 * Watches the functions folder (created if missing) and reloads ~200 ms after the last change.
 * Several callers share one watcher; it closes when the last one stops.
 */
export async function startFunctionWatcher(): Promise<() => void> {
  const dir = env().functionsDir;
  await fs.mkdir(dir, { recursive: true });
  await reloadFunctions();
  if (!state.watching) state.watching = watchFolder(dir);
  const watching = state.watching;
  watching.users++;
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    if (--watching.users === 0) {
      watching.stop();
      if (state.watching === watching) state.watching = null;
    }
  };
}

function watchFolder(dir: string): Watching {
  let fsw: FSWatcher | null = null;
  let debounce: NodeJS.Timeout | undefined;
  let rewatch: NodeJS.Timeout | undefined;
  let closed = false;
  const reloadSoon = () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => {
      reloadFunctions().catch((err) => l().warn({ err }, "reloading user functions failed"));
    }, DEBOUNCE_MS);
  };
  const open = () => {
    if (closed) return;
    try {
      fsw = watch(dir, (_event, filename) => {
        if (!filename || FILE_RE.test(path.basename(filename.toString()))) reloadSoon();
      });
      fsw.on("error", (err) => {
        // Typically the folder was removed: try again until it is back.
        l().warn({ err, dir }, "watching the functions folder failed; retrying");
        fsw?.close();
        fsw = null;
        reloadSoon();
        rewatch = setTimeout(open, REWATCH_MS);
      });
    } catch (err) {
      l().warn({ err, dir }, "cannot watch the functions folder; retrying");
      rewatch = setTimeout(open, REWATCH_MS);
    }
  };
  open();
  return {
    users: 0,
    stop: () => {
      closed = true;
      clearTimeout(debounce);
      clearTimeout(rewatch);
      fsw?.close();
    },
  };
}

/**
 * Finds a function: exact built-in, exact user function, then a unique case-insensitive match
 * (the seed writes `Dayin`, people type `dayin`).
 */
export function resolveFunction(name: string): ResolvedFunction {
  const b = getBuiltin(name);
  if (b) return { kind: "builtin", builtin: b };
  const u = state.loaded.user.get(name);
  if (u) return { kind: "user", fn: u };
  const lower = name.toLowerCase();
  const matches: ResolvedFunction[] = [
    ...BUILTINS.filter((x) => x.name.toLowerCase() === lower).map((builtin) => ({
      kind: "builtin" as const,
      builtin,
    })),
    ...[...state.loaded.user.values()]
      .filter((x) => x.info.name.toLowerCase() === lower)
      .map((fn) => ({ kind: "user" as const, fn })),
  ];
  const [only] = matches;
  if (only && matches.length === 1) return only;
  if (matches.length > 1) {
    const names = matches.map((m) =>
      m.kind === "user" ? m.fn.info.name : m.kind === "builtin" ? m.builtin.name : "",
    );
    return {
      kind: "missing",
      message: `function name ${name} is ambiguous: ${names.join(", ")} (use the exact case)`,
    };
  }
  const known = listFunctions().functions.map((f) => f.name);
  return { kind: "missing", message: `unknown function ${name} (known: ${known.join(", ")})` };
}

/**
 * A callable with the user-function convention `fn(...args, ctx)`. A built-in found this way
 * takes string arguments, writes through `ctx.log`, resolves with its result or throws its error.
 */
export function findFunction(name: string): Callable | undefined {
  const r = resolveFunction(name);
  if (r.kind === "user") return r.fn.fn;
  if (r.kind === "missing") return undefined;
  const builtin = r.builtin;
  return async (...args: unknown[]) => {
    const last = args.at(-1);
    const isCtx = typeof last === "object" && last !== null && "signal" in last;
    const ctx = isCtx ? (last as Partial<UserFunctionContext>) : undefined;
    const strings = (isCtx ? args.slice(0, -1) : args).map((a) => (a === undefined ? "" : String(a)));
    const exec: ExecContext = {
      runId: ctx?.runId ?? 0,
      jobId: ctx?.jobId ?? 0,
      signal: ctx?.signal ?? new AbortController().signal,
      timeoutMs: null,
      out: { write: (_stream, text) => ctx?.log?.(text.replace(/\n$/, "")) },
    };
    const res: ExecResult = await runBuiltin(builtin, strings, exec);
    if (!res.ok) throw new Error(res.error ?? `${builtin.name} failed`);
    return res.result;
  };
}
