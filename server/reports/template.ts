/**
 * Templates: compiling (a template that does not parse is refused, naming its line and column),
 * rendering, and finding the names a template uses that nothing defines (`{{ filenme }}` would
 * otherwise print nothing: the editor warns instead).
 */
import nunjucks from "nunjucks";
import type { Msg } from "../i18n/errors";
import { lineColumn } from "../lib/line-column";
import { addJinja2Builtins, installJinja2 } from "./jinja";
import { templateDetailMsg } from "./template-errors";

/** `<%custom_render%>` bodies extend this page; any name in `{% extends %}` means it. */
const PAGE_SEPARATOR = "\u0000kairos-page\u0000";
const PAGE_SOURCE = `{% block title %}{% endblock %}${PAGE_SEPARATOR}{% block body %}{% endblock %}`;
export const PAGE_NAME = "kairos/page.html";

/** Names every template may use besides its variables. */
export const TEMPLATE_GLOBALS = [
  "range",
  "cycler",
  "joiner",
  "True",
  "False",
  "None",
  "len",
  "dict",
] as const;

export type TemplateVariableName = "filename" | "tables" | "job" | "run" | "date";
export const TEMPLATE_VARIABLES: readonly TemplateVariableName[] = [
  "filename",
  "tables",
  "job",
  "run",
  "date",
];

/** A template that does not parse (`syntax`) or fails while rendering (`render`). */
export class TemplateProblem extends Error {
  /** Which template it came from, when a mail has several (subject, body). */
  part?: "subject" | "body";
  /** `detail` as a catalog message, for the reader's language. */
  readonly msg: Msg;
  constructor(
    readonly kind: "syntax" | "render",
    /** nunjucks' own words (English), without its location prefix. */
    readonly detail: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(
      `${kind === "syntax" ? "template syntax error" : "template error"}${line ? ` on line ${line}${column ? `, column ${column}` : ""}` : ""}: ${detail}`,
    );
    this.name = "TemplateProblem";
    this.msg = templateDetailMsg(detail, kind);
  }
}

/** nunjucks' parser and lexer are public modules without type declarations. */
type Internals = {
  parser: { parse(src: string, extensions: unknown[], opts: object): unknown };
  lexer: {
    lex(
      src: string,
      opts: object,
    ): {
      nextToken(): { type: string; value: string; lineno: number; colno: number } | null;
    };
  };
};
const internals = nunjucks as unknown as Internals;
const optsOf = (env: nunjucks.Environment) => (env as unknown as { opts: object }).opts;
const parse = (source: string): unknown => internals.parser.parse(source, [], optsOf(environment("html")));

const loader = {
  getSource: (name: string) => ({ src: PAGE_SOURCE, path: name || PAGE_NAME, noCache: true }),
};

let htmlEnv: nunjucks.Environment | undefined;
let textEnv: nunjucks.Environment | undefined;

/** The body environment escapes HTML; the subject one does not (a subject is plain text). */
export function environment(kind: "html" | "text"): nunjucks.Environment {
  installJinja2();
  if (kind === "html") {
    htmlEnv ??= makeEnv(true);
    return htmlEnv;
  }
  textEnv ??= makeEnv(false);
  return textEnv;
}

function makeEnv(autoescape: boolean): nunjucks.Environment {
  // dev: keep nunjucks' TemplateError (with its line and column) instead of a bare Error.
  const env = new nunjucks.Environment(
    loader as unknown as nunjucks.ILoader,
    {
      autoescape,
      dev: true,
      throwOnUndefined: false,
    } as nunjucks.ConfigureOptions,
  );
  addJinja2Builtins(env);
  return env;
}

type NunjucksError = Error & { lineno?: number; colno?: number };

function cleanMessage(message: string): string {
  return message
    .replace(/^\([^)]*\)(?: \[Line \d+, Column \d+\])?\s*/, "")
    .replace(/^Error: /, "")
    .replace(/^Template render error: /, "")
    .trim();
}

function toProblem(kind: "syntax" | "render", e: unknown, source?: string): TemplateProblem {
  if (e instanceof TemplateProblem) return e;
  const err = e as NunjucksError;
  const detail = cleanMessage(String(err?.message ?? e));
  let line = typeof err?.lineno === "number" && err.lineno > 0 ? err.lineno : undefined;
  let column = typeof err?.colno === "number" && err.colno > 0 ? err.colno : undefined;
  if (!line && source !== undefined && /end of file/.test(detail)) {
    const open = unclosedTag(source);
    if (open) {
      line = open.line;
      column = open.column;
      return new TemplateProblem(kind, `{% ${open.tag} %} is never closed (${detail})`, line, column);
    }
  }
  if (!line && source !== undefined) {
    // The lexer names no place for an unclosed {{ or {#: point at the last one opened.
    const opener = /^expected variable end$/.test(detail)
      ? "{{"
      : /^expected end of comment/.test(detail)
        ? "{#"
        : undefined;
    const at = opener ? source.lastIndexOf(opener) : -1;
    if (at >= 0) ({ line, column } = lineColumn(source, at));
  }
  return new TemplateProblem(kind, detail, line, column);
}

const BLOCK_TAGS = new Set([
  "for",
  "if",
  "block",
  "macro",
  "call",
  "filter",
  "raw",
  "verbatim",
  "set",
  "switch",
]);

/** The innermost block tag left open, for "unexpected end of file" (nunjucks names no line). */
export function unclosedTag(source: string): { tag: string; line: number; column: number } | undefined {
  try {
    return innermostOpen(source);
  } catch {
    // The lexer itself fails (an unclosed comment): the caller keeps the parser's message.
    return undefined;
  }
}

function innermostOpen(source: string): { tag: string; line: number; column: number } | undefined {
  const stack: { tag: string; line: number; column: number }[] = [];
  const tokens = internals.lexer.lex(source, {});
  let tok = tokens.nextToken();
  while (tok) {
    if (tok.type === "block-start") {
      const start = tok;
      let name = tokens.nextToken();
      while (name && name.type === "whitespace") name = tokens.nextToken();
      const tag = name?.value ?? "";
      // `{% set x = … %}` is a statement; `{% set x %}…{% endset %}` is a block.
      let hasAssign = false;
      let t = tokens.nextToken();
      while (t && t.type !== "block-end") {
        if (t.type === "operator" && t.value === "=") hasAssign = true;
        t = tokens.nextToken();
      }
      if (tag.startsWith("end")) {
        const opened = tag.slice(3);
        const i = stack.map((s) => s.tag).lastIndexOf(opened);
        if (i >= 0) stack.length = i;
      } else if (BLOCK_TAGS.has(tag) && !(tag === "set" && hasAssign)) {
        stack.push({ tag, line: start.lineno + 1, column: start.colno + 1 });
      }
    }
    tok = tokens.nextToken();
  }
  return stack[stack.length - 1];
}

const escapeText = (s: string) =>
  s.replace(/[&<>]/g, (m) => (m === "&" ? "&amp;" : m === "<" ? "&lt;" : "&gt;"));

/**
 * A plain-text body's literal text made safe for HTML (`R&D`, `a<b`), leaving its tags,
 * expressions and comments as written. The lexer's position after each token gives the exact
 * source span of every text run.
 */
export function escapeTemplateText(source: string): string {
  const lexer = internals.lexer.lex(source, {}) as ReturnType<Internals["lexer"]["lex"]> & { index: number };
  const out: string[] = [];
  let at = 0;
  for (;;) {
    const start = lexer.index;
    const tok = lexer.nextToken();
    if (!tok) break;
    if (tok.type === "data") {
      out.push(source.slice(at, start), escapeText(source.slice(start, lexer.index)));
      at = lexer.index;
    }
  }
  out.push(source.slice(at));
  return out.join("");
}

export type CompiledTemplate = { render(ctx: object): string };

/** Compiles now (not at first render), so a broken template is refused when saved. */
export function compileTemplate(
  source: string,
  kind: "html" | "text" = "html",
  name = "body",
): CompiledTemplate {
  const env = environment(kind);
  try {
    internals.parser.parse(source, [], optsOf(env));
  } catch (e) {
    throw toProblem("syntax", e, source);
  }
  let tmpl: nunjucks.Template;
  try {
    tmpl = new nunjucks.Template(source, env, name, true);
  } catch (e) {
    throw toProblem("syntax", e, source);
  }
  return {
    render(ctx: object): string {
      try {
        return tmpl.render(ctx);
      } catch (e) {
        throw toProblem("render", e);
      }
    },
  };
}

/** Splits what a `<%custom_render%>` page rendered into its title and body blocks. */
export function splitPage(output: string): { title: string; body: string } {
  const i = output.indexOf(PAGE_SEPARATOR);
  if (i < 0) return { title: "", body: output };
  return { title: output.slice(0, i).trim(), body: output.slice(i + PAGE_SEPARATOR.length) };
}

// ---- names a template uses but nothing defines ------------------------------------------------

type AstNode = {
  typename: string;
  lineno: number;
  colno: number;
  fields: string[];
  children?: AstNode[];
  value?: unknown;
  [k: string]: unknown;
};

export type UndefinedName = { name: string; line: number; column: number };

class Scope {
  private readonly names = new Set<string>();
  constructor(private readonly parent?: Scope) {}
  define(n: string) {
    this.names.add(n);
  }
  has(n: string): boolean {
    return this.names.has(n) || !!this.parent?.has(n);
  }
  child(): Scope {
    return new Scope(this);
  }
}

function symbolsIn(node: AstNode | AstNode[] | null | undefined): AstNode[] {
  if (!node) return [];
  if (Array.isArray(node)) return node.flatMap((c) => symbolsIn(c));
  if (node.typename === "Symbol") return [node];
  return (node.children ?? []).flatMap((c) => symbolsIn(c));
}

/** Names a condition checks with `is defined` (also inside `and`): defined in its body. */
function guardedNames(cond: AstNode | undefined): string[] {
  if (!cond) return [];
  if (cond.typename === "And")
    return [...guardedNames(cond.left as AstNode), ...guardedNames(cond.right as AstNode)];
  if (cond.typename === "Is") {
    const test = cond.right as AstNode;
    const left = cond.left as AstNode;
    if (test.value === "defined" && left.typename === "Symbol") return [String(left.value)];
  }
  return [];
}

/**
 * Names used and not defined by the given variables, the globals, or the template itself
 * (`{% set %}`, loop variables, macros and their arguments, imports). The template must parse.
 */
export function undefinedNames(
  source: string,
  variables: readonly string[] = TEMPLATE_VARIABLES,
): UndefinedName[] {
  let root: AstNode;
  try {
    root = parse(source) as AstNode;
  } catch (e) {
    throw toProblem("syntax", e, source);
  }
  const top = new Scope();
  for (const n of [...variables, ...TEMPLATE_GLOBALS]) top.define(n);
  // Macros and top-level sets may be used before their definition (blocks, other macros).
  hoist(root, top);
  const found = new Map<string, UndefinedName>();
  const use = (n: AstNode, scope: Scope) => {
    const name = String(n.value);
    if (!scope.has(name) && !found.has(name)) {
      found.set(name, { name, line: n.lineno + 1, column: n.colno + 1 });
    }
  };
  walk(root, top, use);
  return [...found.values()];
}

function hoist(node: AstNode, scope: Scope) {
  for (const child of node.children ?? []) {
    if (child.typename === "Macro") scope.define(String((child.name as AstNode).value));
    if (child.typename === "Set")
      for (const s of symbolsIn(child.targets as AstNode[])) scope.define(String(s.value));
    if (child.typename === "Import") scope.define(String((child.target as AstNode).value));
    if (child.typename === "FromImport") {
      for (const n of (child.names as AstNode).children ?? []) {
        scope.define(String((n.typename === "Pair" ? (n.value as AstNode) : n).value));
      }
    }
  }
}

function walk(node: unknown, scope: Scope, use: (n: AstNode, s: Scope) => void): void {
  if (!node || typeof node !== "object") return;
  const n = node as AstNode;
  if (!n.typename) return;
  const w = (x: unknown, s: Scope = scope) => walk(x, s, use);
  switch (n.typename) {
    case "Symbol":
      use(n, scope);
      return;
    case "TemplateData":
    case "Literal":
      return;
    case "LookupVal":
      w(n.target);
      if ((n.val as AstNode)?.typename !== "Literal") w(n.val);
      return;
    case "Filter":
    case "FilterAsync":
      // The filter's name is not a variable.
      w(n.args);
      return;
    case "Is": {
      const test = n.right as AstNode;
      const testName = test.typename === "FunCall" ? (test.name as AstNode).value : test.value;
      // `x is defined` guards a name on purpose.
      if (
        !(testName === "defined" || testName === "undefined") ||
        (n.left as AstNode).typename !== "Symbol"
      ) {
        w(n.left);
      }
      if (test.typename === "FunCall") w(test.args);
      return;
    }
    case "If":
    case "IfAsync": {
      w(n.cond);
      const inner = scope.child();
      for (const g of guardedNames(n.cond as AstNode)) inner.define(g);
      w(n.body, inner);
      w(n.else_);
      return;
    }
    case "KeywordArgs":
    case "Dict":
      for (const pair of n.children ?? []) {
        if ((pair.key as AstNode)?.typename !== "Symbol") w(pair.key);
        w(pair.value);
      }
      return;
    case "For":
    case "AsyncEach":
    case "AsyncAll": {
      w(n.arr);
      const inner = scope.child();
      for (const s of symbolsIn(n.name as AstNode)) inner.define(String(s.value));
      inner.define("loop");
      w(n.body, inner);
      w(n.else_);
      return;
    }
    case "Macro":
    case "Caller": {
      if (n.typename === "Macro") scope.define(String((n.name as AstNode).value));
      const inner = scope.child();
      inner.define("caller");
      inner.define("varargs");
      inner.define("kwargs");
      for (const a of (n.args as AstNode)?.children ?? []) {
        if (a.typename === "Symbol") inner.define(String(a.value));
        else if (a.typename === "KeywordArgs") {
          for (const pair of a.children ?? []) {
            inner.define(String((pair.key as AstNode).value));
            w(pair.value);
          }
        }
      }
      w(n.body, inner);
      return;
    }
    case "Set": {
      w(n.value);
      w(n.body);
      for (const s of symbolsIn(n.targets as AstNode[])) scope.define(String(s.value));
      return;
    }
    case "Block": {
      const inner = scope.child();
      inner.define("super");
      w(n.body, inner);
      return;
    }
    case "Import":
      w(n.template);
      scope.define(String((n.target as AstNode).value));
      return;
    case "FromImport":
      w(n.template);
      return;
    default:
      for (const f of n.fields ?? []) {
        const v = n[f];
        if (Array.isArray(v)) for (const x of v) w(x);
        else w(v);
      }
  }
}

/** True when the template names `tables` anywhere (else `<%render_html%>` appends them). */
export function usesName(source: string, name: string): boolean {
  const root = parse(source) as AstNode;
  let hit = false;
  const visit = (x: unknown): void => {
    if (hit || !x || typeof x !== "object") return;
    const n = x as AstNode;
    if (!n.typename) return;
    if (n.typename === "Symbol" && n.value === name) {
      hit = true;
      return;
    }
    for (const f of n.fields ?? []) {
      const v = n[f];
      if (Array.isArray(v)) v.forEach(visit);
      else visit(v);
    }
  };
  visit(root);
  return hit;
}

/** True when the template has its own `{% extends %}` (a custom page names its parent itself). */
export function hasExtends(source: string): boolean {
  const root = parse(source) as AstNode;
  return (root.children ?? []).some((c) => c.typename === "Extends");
}
