import { parse } from "shell-quote";

// No Node imports here: the job form uses needsShell in the browser.

/** Characters that mean shell syntax anywhere outside quotes. */
const SHELL_CHARS = new Set(["$", "`", "|", "&", ";", "<", ">", "(", ")", "*", "?", "["]);
/** Characters that mean shell syntax only at the start of a word: ~ (home) and # (a comment). */
const WORD_START_CHARS = new Set(["~", "#"]);
/** Words that exist only inside a shell, so running them as a program would fail. */
const SHELL_WORDS = new Set([
  ".",
  "alias",
  "case",
  "cd",
  "eval",
  "exec",
  "exit",
  "export",
  "for",
  "if",
  "read",
  "set",
  "source",
  "trap",
  "ulimit",
  "umask",
  "unset",
  "until",
  "while",
]);
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/**
 * Whether a command needs /bin/sh (shell "auto"). The rule, so the job form can explain it:
 * - outside quotes: $ ` | & ; < > ( ) * ? [ (variables, substitution, pipes, lists, redirection,
 *   subshells, globs), and ~ or # at the start of a word (home directory, comment);
 * - inside double quotes only $ and ` (the shell still expands them there);
 * - inside single quotes nothing: `find /tmp -name '*.tmp'` needs no shell, `echo $CUSTOM_VAR` does;
 * - also a line break, an unclosed quote, a leading VAR=value, or a first word that is a shell
 *   builtin or keyword (cd, export, if, …).
 * A backslash outside single quotes makes the next character plain.
 */
export function needsShell(command: string): boolean {
  const trimmed = command.trim();
  if (trimmed.includes("\n") || ASSIGNMENT.test(trimmed)) return true;
  if (SHELL_WORDS.has(trimmed.split(/\s+/, 1)[0] ?? "")) return true;
  let quote: "'" | '"' | null = null;
  let wordStart = true;
  for (let i = 0; i < trimmed.length; i++) {
    const c = trimmed.charAt(i);
    if (quote === "'") {
      if (c === "'") quote = null;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === "\\") i++;
      else if (c === "$" || c === "`") return true;
    } else if (c === "\\") {
      i++;
    } else if (c === "'" || c === '"') {
      quote = c;
    } else if (/\s/.test(c)) {
      wordStart = true;
      continue;
    } else if (SHELL_CHARS.has(c) || (wordStart && WORD_START_CHARS.has(c))) {
      return true;
    }
    wordStart = false;
  }
  return quote !== null;
}

/** Thrown when a command cannot run without a shell; the message says what to change. */
export class ShellSyntaxError extends Error {}

/**
 * The argv of a command run without a shell: words split and unquoted as sh would, nothing
 * expanded. Refuses what only a shell can do (operators, globs, comments, $VAR).
 */
export function splitArgv(command: string): string[] {
  const variables: string[] = [];
  const entries = parse(command, (name) => {
    variables.push(name);
    return "";
  });
  const syntax = entries.flatMap((e) => {
    if (typeof e === "string") return [];
    if ("comment" in e) return ["#"];
    return [e.op === "glob" ? e.pattern : e.op];
  });
  syntax.push(...variables.map((name) => `$${name}`));
  if (syntax.length > 0) {
    throw new ShellSyntaxError(
      `the command uses shell syntax (${syntax.join(" ")}); set shell to "auto" or "always" to run it with /bin/sh`,
    );
  }
  const argv = entries.filter((e): e is string => typeof e === "string");
  if (argv.length === 0) throw new ShellSyntaxError("the command is empty");
  return argv;
}
