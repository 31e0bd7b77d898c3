import type { ExecContext, ExecResult } from "../runs/executor";
import { basicBuiltins } from "./builtins/basic";
import { type Builtin, errorMessage } from "./builtins/common";
import { databaseBuiltins } from "./builtins/database";
import { fileBuiltins } from "./builtins/files";
import { notifyBuiltins } from "./builtins/notify";
import { systemBuiltins } from "./builtins/system";

export type { Builtin } from "./builtins/common";
export { type SmsProvider, setSmsProvider } from "./builtins/notify";

/** The functions of the seed's TimerJobs, in the order its documentation lists them. */
export const BUILTINS: readonly Builtin[] = [
  ...basicBuiltins,
  ...fileBuiltins,
  ...databaseBuiltins,
  ...notifyBuiltins,
  ...systemBuiltins,
];

const byName = new Map(BUILTINS.map((b) => [b.name, b]));

export function getBuiltin(name: string): Builtin | undefined {
  return byName.get(name);
}

/** Why an aborted run stopped, for the error line (the controller sets the final status). */
export function abortMessage(signal: AbortSignal): string {
  switch (signal.reason) {
    case "timeout":
      return "timed out";
    case "cancel":
      return "cancelled";
    case "shutdown":
      return "stopped: the worker is shutting down";
    default:
      return "aborted";
  }
}

/** Runs a built-in; anything it throws becomes a failed result with the error's message. */
export async function runBuiltin(b: Builtin, args: string[], ctx: ExecContext): Promise<ExecResult> {
  try {
    if (ctx.signal.aborted) return { ok: false, error: abortMessage(ctx.signal) };
    return await b.run(args, ctx);
  } catch (e) {
    // An abort surfaces as AbortError / "query cancelled": say why instead.
    if (ctx.signal.aborted) return { ok: false, error: abortMessage(ctx.signal) };
    return { ok: false, error: `${b.name}: ${errorMessage(e)}` };
  }
}
