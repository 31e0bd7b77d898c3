import path from "node:path";
import { abortMessage, runBuiltin } from "../../functions/builtins";
import { errorMessage, untilAborted } from "../../functions/builtins/common";
import { ensureFunctionsFresh, resolveFunction, type UserFunction } from "../../functions/registry";
import { callInProcess, type ErrorInfo, importedPath } from "../../functions/user-process";
import { env } from "../../lib/env";
import { log } from "../../lib/log";
import type { ExecContext, ExecResult, Executor } from "../executor";
import { type FuncParams, ZFuncParams } from "./params";

/** Return values larger than this (as JSON) are printed but not stored on the run. */
const RESULT_MAX_JSON = 16 * 1024;

const asLine = (text: string) => (text.endsWith("\n") ? text : `${text}\n`);

function show(value: unknown): string | null {
  if (value === undefined) return null;
  if (typeof value === "string") return value;
  try {
    return JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    // BigInt, cycles: still worth showing something.
    return String(value);
  }
}

/** A plain JSON copy of the value when it is serialisable and small, else undefined. */
function storable(value: unknown): unknown {
  if (value === undefined) return undefined;
  try {
    const json = JSON.stringify(value);
    if (json === undefined || json.length > RESULT_MAX_JSON) return undefined;
    return JSON.parse(json);
  } catch {
    return undefined;
  }
}

/**
 * The stack of an error thrown by user code, without Kairos's frames and cache-busting
 * queries: the lines its author can act on.
 */
function userStack(e: ErrorInfo, dir: string): string {
  const lines = (e.stack ?? `${e.name}: ${e.message}`).replace(/\?v=[\w.-]+/g, "").split("\n");
  const isFrame = (line: string) => /^\s+at /.test(line);
  const frames = lines.filter(isFrame);
  const theirs = frames.filter((line) => line.includes(dir));
  return [...lines.filter((line) => !isFrame(line)), ...(theirs.length ? theirs : frames)].join("\n");
}

async function callUser(u: UserFunction, args: string[], ctx: ExecContext): Promise<ExecResult> {
  const { signal, out } = ctx;
  // Output arriving after the run ended (the code ignored the abort) must not write to it.
  let open = true;
  const log = (text: unknown) => {
    if (open) out.write("stdout", asLine(typeof text === "string" ? text : (show(text) ?? "undefined")));
  };
  const dir = env().functionsDir;
  try {
    if (signal.aborted) return { ok: false, error: abortMessage(signal) };
    const r = await untilAborted(
      callInProcess(
        {
          dir,
          file: u.info.file ?? "",
          name: u.info.name,
          args,
          arity: u.arity,
          runId: ctx.runId,
          jobId: ctx.jobId,
        },
        signal,
        { write: (stream, text) => open && out.write(stream, text) },
        log,
      ),
      signal,
    );
    if (!r.ok) {
      if (signal.aborted) return { ok: false, error: abortMessage(signal) };
      out.write("stderr", asLine(userStack(r.error, path.dirname(importedPath(dir, "x")))));
      return { ok: false, error: `${u.info.name}: ${r.error.message || r.error.name}` };
    }
    const text = show(r.value);
    if (text !== null) out.write("stdout", asLine(text));
    const result = storable(r.value);
    return result === undefined ? { ok: true } : { ok: true, result };
  } catch (e) {
    if (signal.aborted) return { ok: false, error: abortMessage(signal) };
    return { ok: false, error: `${u.info.name}: ${errorMessage(e)}` };
  } finally {
    open = false;
  }
}

/** func mode: calls a built-in or a user function by name with the job's string arguments. */
export const runFunc: Executor<FuncParams> = async (params, ctx) => {
  const parsed = ZFuncParams.safeParse(params);
  if (!parsed.success) {
    return { ok: false, error: `invalid parameters: ${parsed.error.issues[0]?.message ?? "unknown"}` };
  }
  const { name, args } = parsed.data;
  let target = resolveFunction(name);
  if (target.kind !== "builtin") {
    // Built-ins need no disk access; a user function is looked up in the folder as it is now.
    try {
      await ensureFunctionsFresh();
    } catch (err) {
      log("functions").warn({ err }, "could not check the functions folder; using the last load");
    }
    target = resolveFunction(name);
  }
  switch (target.kind) {
    case "builtin":
      return runBuiltin(target.builtin, args, ctx);
    case "user":
      return callUser(target.fn, args, ctx);
    case "missing":
      return { ok: false, error: target.message };
  }
};
