import { abortMessage, runBuiltin } from "../../functions/builtins";
import { errorMessage, untilAborted } from "../../functions/builtins/common";
import {
  ensureFunctionsFresh,
  resolveFunction,
  type UserFunction,
  type UserFunctionContext,
} from "../../functions/registry";
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
function userStack(e: Error): string {
  const dir = env().functionsDir;
  const lines = (e.stack ?? `${e.name}: ${e.message}`).replace(/\?v=[\w.-]+/g, "").split("\n");
  const isFrame = (line: string) => /^\s+at /.test(line);
  const frames = lines.filter(isFrame);
  const theirs = frames.filter((line) => line.includes(dir));
  return [...lines.filter((line) => !isFrame(line)), ...(theirs.length ? theirs : frames)].join("\n");
}

async function callUser(u: UserFunction, args: string[], ctx: ExecContext): Promise<ExecResult> {
  const { signal, out } = ctx;
  // Code still running after the run ended (it ignored the abort) must not write to it.
  let open = true;
  const fctx: UserFunctionContext = Object.freeze({
    runId: ctx.runId,
    jobId: ctx.jobId,
    signal,
    log: (text: unknown) => {
      if (open) out.write("stdout", asLine(typeof text === "string" ? text : (show(text) ?? "undefined")));
    },
  });
  const callArgs: unknown[] = [...args];
  while (callArgs.length < u.arity) callArgs.push(undefined);
  callArgs.push(fctx);
  try {
    if (signal.aborted) return { ok: false, error: abortMessage(signal) };
    // Called inside a promise so a synchronous throw is handled like a rejection.
    const value = await untilAborted(
      Promise.resolve().then(() => u.fn(...callArgs)),
      signal,
    );
    const text = show(value);
    if (text !== null) out.write("stdout", asLine(text));
    const result = storable(value);
    return result === undefined ? { ok: true } : { ok: true, result };
  } catch (e) {
    if (signal.aborted) return { ok: false, error: abortMessage(signal) };
    if (e instanceof Error) out.write("stderr", asLine(userStack(e)));
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
