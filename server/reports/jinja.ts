/**
 * nunjucks, taught the Jinja2 that email_center templates were written in. nunjucks parses the
 * same syntax (`{% for a, b in x %}`, `elif`, `loop.index`, `{# #}`, filters), but Python's
 * runtime habits are missing; these are added here, each because report templates use it:
 *
 * - `True` / `False` / `None`, list slices `xs[1:3]`, `d.items()` / `.keys()` / `.values()` /
 *   `.get()`, `xs.append()`: nunjucks' own `installJinjaCompat()`.
 * - Python string methods (`name.upper()`, `s.startswith("x")`, `s.replace(a, b)` replacing all,
 *   `s.split()`, `", ".join(xs)`, `"{}".format(x)`, `s.strip()` …).
 * - `%` on a string is Python's printf formatting: `"%.1f%%" % (rate * 100)`, also the
 *   `format` filter; `len()`, `dict()`, `loop.cycle()`, the `none` test, `count` and `tojson`.
 * - Runtime errors carry 1-based line numbers (nunjucks passes 0-based ones and drops line 1).
 *
 * installJinjaCompat() and these additions patch the nunjucks runtime of this process: every
 * nunjucks template in Kairos is a Jinja2 report template, so that is the intent.
 */
import nunjucks from "nunjucks";
import { SheetDate, SheetNumber } from "./cells";

type Runtime = {
  memberLookup: (obj: unknown, val: unknown, ...rest: unknown[]) => unknown;
  handleError: (error: unknown, lineno: number | null, colno: number | null) => unknown;
  Frame: { prototype: { set: (name: string, val: unknown, resolveUp?: boolean) => void } };
  SafeString: new (s: string) => { val: string };
  markSafe: (s: unknown) => unknown;
  suppressValue: (val: unknown, autoescape: boolean) => unknown;
  __pyMod?: (a: unknown, b: unknown) => unknown;
  __str?: (a: unknown) => unknown;
};
type TemplateErrorCtor = new (message: unknown, lineno?: number, colno?: number) => Error;

const runtime = nunjucks.runtime as unknown as Runtime;
const lib = (nunjucks as unknown as { lib: { TemplateError: TemplateErrorCtor } }).lib;
const compiler = (
  nunjucks as unknown as {
    compiler: {
      Compiler: {
        prototype: {
          compileMod: (node: unknown, frame: unknown) => void;
          compileConcat: (node: unknown, frame: unknown) => void;
          compileGroup: (node: unknown, frame: unknown) => void;
          _emit: (s: string) => void;
          compile: (node: unknown, frame: unknown) => void;
        };
      };
    };
  }
).compiler;

const KW = "__keywords";

/** Splits nunjucks' call arguments into positionals and Python keyword arguments. */
export function pyArgs(args: unknown[]): { pos: unknown[]; kw: Record<string, unknown> } {
  const last = args[args.length - 1] as Record<string, unknown> | undefined;
  if (last && typeof last === "object" && last[KW] === true) {
    const { [KW]: _, ...kw } = last;
    return { pos: args.slice(0, -1), kw };
  }
  return { pos: args, kw: {} };
}

/** Python's truth for printing: True/False/None rather than true/false/"". */
function pyStr(v: unknown): string {
  if (v === true) return "True";
  if (v === false) return "False";
  if (v === null || v === undefined) return "None";
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(", ")}]`;
  return String(v);
}
function pyRepr(v: unknown): string {
  return typeof v === "string" ? `'${v}'` : pyStr(v);
}

const toNumber = (v: unknown): number => {
  if (typeof v === "number") return v;
  if (v instanceof SheetNumber || v instanceof SheetDate) return v.valueOf();
  if (typeof v === "boolean") return v ? 1 : 0;
  return Number(String(v).replace(/,/g, ""));
};

/** Python's `%` formatting: %s %r %d %i %f %e %g %x %o %c %% with flags, width, precision, `%(name)s`. */
export function pyFormat(fmt: string, arg: unknown): string {
  const positional = Array.isArray(arg) ? [...arg] : [arg];
  const named =
    !Array.isArray(arg) && arg && typeof arg === "object" ? (arg as Record<string, unknown>) : null;
  let next = 0;
  return fmt.replace(
    /%(?:\(([^)]*)\))?([-+ 0#]*)(\*|\d+)?(?:\.(\*|\d+))?([sdifeEgGxXorc%])/g,
    (
      _m,
      key: string | undefined,
      flags: string,
      w: string | undefined,
      p: string | undefined,
      conv: string,
    ) => {
      if (conv === "%") return "%";
      const take = () => positional[next++];
      const width = w === "*" ? toNumber(take()) : w ? Number(w) : 0;
      const precision = p === "*" ? toNumber(take()) : p !== undefined ? Number(p) : undefined;
      const v = key !== undefined && named ? named[key] : take();
      let s: string;
      let numeric = true;
      switch (conv) {
        case "d":
        case "i":
          s = String(Math.trunc(toNumber(v)));
          break;
        case "f":
          s = toNumber(v).toFixed(precision ?? 6);
          break;
        case "e":
        case "E":
          s = toNumber(v)
            .toExponential(precision ?? 6)
            .replace(/e([+-])(\d)$/, "e$10$2");
          if (conv === "E") s = s.toUpperCase();
          break;
        case "g":
        case "G": {
          const n = toNumber(v);
          s = String(Number(n.toPrecision(precision || 6)));
          if (conv === "G") s = s.toUpperCase();
          break;
        }
        case "x":
        case "X":
          s = Math.trunc(toNumber(v)).toString(16);
          if (conv === "X") s = s.toUpperCase();
          break;
        case "o":
          s = Math.trunc(toNumber(v)).toString(8);
          break;
        case "c":
          s = typeof v === "number" ? String.fromCharCode(v) : String(v);
          numeric = false;
          break;
        case "r":
          s = pyRepr(v);
          numeric = false;
          break;
        default:
          s = pyStr(v);
          if (precision !== undefined) s = s.slice(0, precision);
          numeric = false;
      }
      if (numeric && flags.includes("+") && !s.startsWith("-")) s = `+${s}`;
      else if (numeric && flags.includes(" ") && !s.startsWith("-")) s = ` ${s}`;
      if (s.length < width) {
        if (flags.includes("-")) s = s.padEnd(width);
        else if (numeric && flags.includes("0")) {
          const sign = /^[+\- ]/.test(s) ? (s[0] as string) : "";
          s = sign + s.slice(sign.length).padStart(width - sign.length, "0");
        } else s = s.padStart(width);
      }
      return s;
    },
  );
}

/** Python's str.format for "{}", "{0}", "{name}" and simple specs like "{:.2f}" / "{:,}" / "{:.1%}". */
export function pyStrFormat(fmt: string, pos: unknown[], kw: Record<string, unknown>): string {
  let auto = 0;
  return fmt.replace(
    /\{\{|\}\}|\{([^{}:!]*)(?:![rs])?(?::([^{}]*))?\}/g,
    (m, field: string, spec?: string) => {
      if (m === "{{") return "{";
      if (m === "}}") return "}";
      const v = field === "" ? pos[auto++] : /^\d+$/.test(field) ? pos[Number(field)] : kw[field];
      if (!spec) return pyStr(v);
      const sm = /^([<>^]?)(\d*)(,?)(?:\.(\d+))?([fd%]?)$/.exec(spec);
      if (!sm) return pyStr(v);
      const [, align, width, comma, prec, type] = sm;
      let s: string;
      if (type === "%") s = `${(toNumber(v) * 100).toFixed(prec ? Number(prec) : 6)}%`;
      else if (type === "f" || prec) s = toNumber(v).toFixed(prec ? Number(prec) : 6);
      else if (type === "d") s = String(Math.trunc(toNumber(v)));
      else s = pyStr(v);
      if (comma)
        s = s.replace(
          /^(-?)(\d+)/,
          (_x, sign: string, d: string) => sign + d.replace(/\B(?=(\d{3})+$)/g, ","),
        );
      const w = Number(width || 0);
      if (s.length < w)
        s =
          align === "<"
            ? s.padEnd(w)
            : align === "^"
              ? s.padStart((s.length + w) >> 1).padEnd(w)
              : s.padStart(w);
      return s;
    },
  );
}

const pyWhitespace = /\s+/;
const stripChars = (s: string, chars: unknown, left: boolean, right: boolean) => {
  if (chars === undefined || chars === null) {
    let out = s;
    if (left) out = out.trimStart();
    if (right) out = out.trimEnd();
    return out;
  }
  const set = String(chars);
  let a = 0;
  let b = s.length;
  while (left && a < b && set.includes(s[a] as string)) a++;
  while (right && b > a && set.includes(s[b - 1] as string)) b--;
  return s.slice(a, b);
};

/** Python str methods, looked up when a template calls a method a JavaScript string lacks. */
const STR_METHODS: Record<string, (s: string, ...args: unknown[]) => unknown> = {
  upper: (s) => s.toUpperCase(),
  lower: (s) => s.toLowerCase(),
  strip: (s, c) => stripChars(s, c, true, true),
  lstrip: (s, c) => stripChars(s, c, true, false),
  rstrip: (s, c) => stripChars(s, c, false, true),
  startswith: (s, p) => (Array.isArray(p) ? p.some((x) => s.startsWith(String(x))) : s.startsWith(String(p))),
  endswith: (s, p) => (Array.isArray(p) ? p.some((x) => s.endsWith(String(x))) : s.endsWith(String(p))),
  replace: (s, a, b) => s.split(String(a)).join(String(b)),
  split: (s, sep, max) => {
    const parts = sep === undefined || sep === null ? s.trim().split(pyWhitespace) : s.split(String(sep));
    if (typeof max === "number" && max >= 0 && parts.length > max + 1) {
      const joiner = sep === undefined || sep === null ? " " : String(sep);
      return [...parts.slice(0, max), parts.slice(max).join(joiner)];
    }
    return sep === undefined && parts.length === 1 && parts[0] === "" ? [] : parts;
  },
  join: (s, xs) => (Array.isArray(xs) ? xs.map(pyStr).join(s) : String(xs)),
  title: (s) => s.replace(/\w\S*/g, (w) => (w[0] as string).toUpperCase() + w.slice(1).toLowerCase()),
  capitalize: (s) => (s ? (s[0] as string).toUpperCase() + s.slice(1).toLowerCase() : s),
  zfill: (s, w) => {
    const sign = /^[+-]/.test(s) ? (s[0] as string) : "";
    return sign + s.slice(sign.length).padStart(Number(w) - sign.length, "0");
  },
  center: (s, w, f = " ") => s.padStart((s.length + Number(w)) >> 1, String(f)).padEnd(Number(w), String(f)),
  ljust: (s, w, f = " ") => s.padEnd(Number(w), String(f)),
  rjust: (s, w, f = " ") => s.padStart(Number(w), String(f)),
  find: (s, x) => s.indexOf(String(x)),
  count: (s, x) => (String(x) === "" ? s.length + 1 : s.split(String(x)).length - 1),
  isdigit: (s) => /^\d+$/.test(s),
  isalpha: (s) => /^\p{L}+$/u.test(s),
  isspace: (s) => /^\s+$/.test(s),
  format: (s, ...args) => {
    const { pos, kw } = pyArgs(args);
    return pyStrFormat(s, pos, kw);
  },
};

/**
 * Names a template may not look up. nunjucks is not a sandbox: `range.constructor("…")()` is
 * JavaScript's Function constructor, i.e. code execution in the worker for anyone who may edit a
 * template. Every `a.b` / `a["b"]` goes through memberLookup, which refuses these names.
 */
const FORBIDDEN_MEMBERS = new Set([
  "constructor",
  "__proto__",
  "prototype",
  "__defineGetter__",
  "__defineSetter__",
  "__lookupGetter__",
  "__lookupSetter__",
]);

let installed = false;

/** Installs the Jinja2 behaviour once per process (idempotent). */
export function installJinja2(): void {
  if (installed) return;
  installed = true;
  nunjucks.installJinjaCompat();

  const compatLookup = runtime.memberLookup;
  runtime.memberLookup = function memberLookup(obj: unknown, val: unknown, ...rest: unknown[]) {
    if (typeof val === "string" && FORBIDDEN_MEMBERS.has(val)) {
      throw new Error(`"${val}" cannot be used in a template`);
    }
    if (typeof obj === "string" && typeof val === "string" && Object.hasOwn(STR_METHODS, val)) {
      const fn = STR_METHODS[val] as (s: string, ...a: unknown[]) => unknown;
      return (...args: unknown[]) => fn(obj, ...args);
    }
    return compatLookup.call(this, obj, val, ...rest);
  };

  // Python's `%`: string formatting when the left side is text, modulo otherwise.
  runtime.__pyMod = (a: unknown, b: unknown) => {
    if (typeof a === "string") return pyFormat(a, b);
    if (a instanceof runtime.SafeString) return runtime.markSafe(pyFormat(String(a), b));
    const x = toNumber(a);
    const y = toNumber(b);
    // Python's modulo takes the divisor's sign.
    return ((x % y) + y) % y;
  };
  compiler.Compiler.prototype.compileMod = function compileMod(node: unknown, frame: unknown) {
    const n = node as { left: unknown; right: unknown };
    this._emit("runtime.__pyMod(");
    this.compile(n.left, frame);
    this._emit(",");
    this.compile(n.right, frame);
    this._emit(")");
  };

  // A cell prints as the sheet shows it ("9.50%"), also where JavaScript would take its number:
  // `{{ x }}` without autoescaping (subjects) and `a ~ b`.
  // Booleans print as Python's True / False.
  const sheetText = (v: unknown) =>
    v instanceof SheetNumber || v instanceof SheetDate
      ? v.text
      : v === true
        ? "True"
        : v === false
          ? "False"
          : v;
  const suppress = runtime.suppressValue;
  runtime.suppressValue = (val: unknown, autoescape: boolean) => suppress(sheetText(val), autoescape);
  runtime.__str = (v: unknown) => {
    const x = sheetText(v);
    return x === null || x === undefined ? "" : x;
  };
  compiler.Compiler.prototype.compileConcat = function compileConcat(node: unknown, frame: unknown) {
    const n = node as { left: unknown; right: unknown };
    this._emit('("" + runtime.__str(');
    this.compile(n.left, frame);
    this._emit(") + runtime.__str(");
    this.compile(n.right, frame);
    this._emit("))");
  };

  // Jinja2's tuples: `('A', 42)` is a list, not JavaScript's comma operator (which gives 42).
  const compileParenthesised = compiler.Compiler.prototype.compileGroup;
  compiler.Compiler.prototype.compileGroup = function compileGroup(node: unknown, frame: unknown): void {
    const children = (node as { children: unknown[] }).children;
    if (children.length < 2) {
      compileParenthesised.call(this, node, frame);
      return;
    }
    this._emit("[");
    children.forEach((child, i) => {
      if (i) this._emit(",");
      this.compile(child, frame);
    });
    this._emit("]");
  };

  // Compiled templates report 0-based lines (and none at all on line 1): make them 1-based.
  runtime.handleError = (error: unknown, lineno: number | null, colno: number | null) => {
    const e = error as { lineno?: number };
    if (e && typeof e === "object" && e.lineno) return error;
    return new lib.TemplateError(
      error,
      lineno === null ? undefined : lineno + 1,
      colno === null ? undefined : colno + 1,
    );
  };

  // Jinja2's loop.cycle("odd", "even").
  const frameSet = runtime.Frame.prototype.set;
  runtime.Frame.prototype.set = function set(this: { variables: Record<string, unknown> }, name, val, up) {
    frameSet.call(this, name, val, up);
    if (name === "loop.first") {
      const loop = this.variables.loop as Record<string, unknown> | undefined;
      if (loop && !loop.cycle) {
        loop.cycle = function cycle(this: { index0: number }, ...xs: unknown[]) {
          return xs[this.index0 % xs.length];
        };
      }
    }
  };
}

/** Globals, filters and tests a Jinja2 template expects beyond nunjucks' own. */
export function addJinja2Builtins(env: nunjucks.Environment): void {
  const length = (v: unknown): number => {
    if (v === null || v === undefined) return 0;
    if (typeof v === "string" || Array.isArray(v)) return v.length;
    const o = v as { length?: unknown; size?: unknown };
    if (typeof o.length === "number") return o.length;
    if (typeof o.size === "number") return o.size;
    return Object.keys(v as object).length;
  };
  env.addGlobal("True", true);
  env.addGlobal("False", false);
  env.addGlobal("None", null);
  env.addGlobal("len", length);
  env.addGlobal("dict", (...args: unknown[]) => pyArgs(args).kw);
  env.addFilter("count", length);
  env.addFilter("length", length);
  env.addFilter("format", (fmt: unknown, ...args: unknown[]) =>
    pyFormat(String(fmt), args.length === 1 ? args[0] : args),
  );
  env.addFilter("tojson", (v: unknown) => runtime.markSafe(JSON.stringify(v ?? null)));
  env.addFilter("int", (v: unknown, def: unknown = 0) => {
    const n = Math.trunc(toNumber(v));
    return Number.isNaN(n) ? def : n;
  });
  env.addFilter("float", (v: unknown, def: unknown = 0) => {
    const n = toNumber(v);
    return Number.isNaN(n) ? def : n;
  });
  const tests = env as unknown as { addTest(name: string, f: (v: unknown) => boolean): void };
  tests.addTest("none", (v: unknown) => v === null || v === undefined);
  tests.addTest("number", (v: unknown) => typeof v === "number" || v instanceof SheetNumber);
  tests.addTest("string", (v: unknown) => typeof v === "string");
}
