import "server-only";
import os from "node:os";
import { z } from "zod";
import { zodText } from "../../i18n/errors";
import { formatGoTime, GO_DEFAULT_LAYOUT } from "../go-time";
import { type Builtin, parseArgs, print, rest } from "./common";

type ArgType = "number" | "boolean" | "string";

const NUMBER = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?$/i;

/** What a text argument looks like: the seed's Dayin showed this to help people debug jobs. */
export function inferType(v: string): ArgType {
  const t = v.trim();
  if (NUMBER.test(t) && Number.isFinite(Number(t))) return "number";
  if (/^(true|false)$/i.test(t)) return "boolean";
  return "string";
}

const dayin: Builtin = {
  name: "Dayin",
  params: ["…args"],
  description: "Prints the job and run information and each argument with its inferred type.",
  descriptionZh: "打印任务与运行信息，以及每个参数及其推断类型。",
  async run(args, ctx) {
    const lines = [
      `job: ${ctx.jobId}`,
      `run: ${ctx.runId}`,
      `time: ${formatGoTime(new Date(), "2006-01-02 15:04:05 -07:00")}`,
      `host: ${os.hostname()} (pid ${process.pid})`,
      `timeout: ${ctx.timeoutMs === null ? "none" : `${ctx.timeoutMs} ms`}`,
      `arguments: ${args.length}`,
    ];
    const typed = args.map((value) => ({ value, type: inferType(value) }));
    typed.forEach((a, i) => {
      lines.push(`  [${i}] ${JSON.stringify(a.value)} (${a.type})`);
    });
    print(ctx, lines.join("\n"));
    return { ok: true, result: { args: typed } };
  },
};

const test: Builtin = {
  name: "Test",
  params: ["…any"],
  description: "Prints its arguments and succeeds: checks that func jobs run at all.",
  descriptionZh: "打印参数并成功结束：用于检查函数任务能否运行。",
  async run(args, ctx) {
    print(
      ctx,
      args.length
        ? `Test ok: ${args.length} argument(s): ${args.map((a) => JSON.stringify(a)).join(", ")}`
        : "Test ok: no arguments",
    );
    return { ok: true, result: { args } };
  },
};

const hello: Builtin = {
  name: "Hello",
  params: ["name"],
  description: "Prints a greeting: Hello, <name>!",
  descriptionZh: "打印问候语：Hello, <name>!",
  async run(args, ctx) {
    const name = rest(args, 0).trim() || "World";
    const text = `Hello, ${name}!`;
    print(ctx, text);
    return { ok: true, result: { text } };
  },
};

const echo: Builtin = {
  name: "Echo",
  params: ["text"],
  description: "Prints its arguments joined by commas.",
  descriptionZh: "原样打印参数（以逗号连接）。",
  async run(args, ctx) {
    const text = rest(args, 0);
    print(ctx, text);
    return { ok: true, result: { text } };
  },
};

const time: Builtin = {
  name: "Time",
  params: ["layout"],
  description: `Prints the current time with a Go layout (default ${GO_DEFAULT_LAYOUT}), in the server's zone.`,
  descriptionZh: `按 Go 时间格式打印当前时间（默认 ${GO_DEFAULT_LAYOUT}），使用服务器时区。`,
  async run(args, ctx) {
    // A layout such as "Jan 2, 2006" was split at its comma: put it back together.
    const layout = rest(args, 0) || GO_DEFAULT_LAYOUT;
    const now = new Date();
    const text = formatGoTime(now, layout);
    print(ctx, text);
    return { ok: true, result: { text, at: now.toISOString() } };
  },
};

const MATH_OPS = {
  "+": (a: number, b: number) => a + b,
  "-": (a: number, b: number) => a - b,
  "*": (a: number, b: number) => a * b,
  "/": (a: number, b: number) => a / b,
  "%": (a: number, b: number) => a % b,
  "^": (a: number, b: number) => a ** b,
} as const;
type MathOp = keyof typeof MATH_OPS;
const OP_ALIASES: Record<string, MathOp> = {
  add: "+",
  plus: "+",
  sub: "-",
  minus: "-",
  mul: "*",
  x: "*",
  "×": "*",
  div: "/",
  "÷": "/",
  mod: "%",
  pow: "^",
  "**": "^",
};

const ZNumberArg = z
  .string({ error: zodText("required") })
  .trim()
  .refine((v) => NUMBER.test(v) && Number.isFinite(Number(v)), {
    error: (i) => zodText("args.notNumber", { value: JSON.stringify(i.input) }),
  })
  .transform(Number);

const ZMathArgs = z
  .object({
    op: z
      .string({ error: zodText("args.mathOpRequired") })
      .trim()
      .transform((v) => OP_ALIASES[v.toLowerCase()] ?? v)
      .pipe(z.enum(Object.keys(MATH_OPS) as [MathOp, ...MathOp[]], { error: zodText("args.mathOp") })),
    a: ZNumberArg,
    b: ZNumberArg,
  })
  .refine((m) => !((m.op === "/" || m.op === "%") && m.b === 0), { error: zodText("args.divisionByZero") });

const math: Builtin = {
  name: "Math",
  params: ["op", "a", "b"],
  description: "Computes a op b with + - * / % ^ (or pow); prints and returns the result.",
  descriptionZh: "计算 a op b（+ - * / % ^ 或 pow），打印并返回结果。",
  async run(args, ctx) {
    if (args.length < 3) throw new Error("expects op,a,b (for example +,10,5)");
    // A third argument with commas stays one argument, and is then refused as not a number.
    const { op, a, b } = parseArgs(ZMathArgs, { op: args[0], a: args[1], b: rest(args, 2) });
    const value = MATH_OPS[op](a, b);
    if (!Number.isFinite(value)) throw new Error(`${a} ${op} ${b} is not a finite number`);
    const expression = `${a} ${op} ${b}`;
    print(ctx, `${expression} = ${value}`);
    return { ok: true, result: { value, expression } };
  },
};

/** Kairos's own addition: a step that does nothing, for chains that only need a join point, and benchmarks. */
const noop: Builtin = {
  name: "Noop",
  params: [],
  description: "Does nothing and succeeds (a join point for chained jobs; benchmarks).",
  descriptionZh: "什么也不做，直接成功（用作联动任务的汇合点或性能测试）。",
  async run() {
    return { ok: true };
  },
};

export const basicBuiltins: Builtin[] = [dayin, test, hello, echo, time, math, noop];
