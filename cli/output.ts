import { isLocale, type Locale } from "../server/i18n/locale";
import { displayWidth } from "../server/lib/text-width";
/** What every command shares: exit codes, errors, tables, JSON. */

/** Exit codes (documented in README § CLI). */
export const EXIT = {
  OK: 0,
  /** The operation failed (a run failed, a server error, something unexpected). */
  FAILED: 1,
  /** Wrong command line: unknown command or option, missing argument. */
  USAGE: 2,
  /** Kairos is not running (status, stop). */
  NOT_RUNNING: 3,
  /** The job, run, token or rule does not exist. */
  NOT_FOUND: 4,
  /** Refused: no token, a revoked/expired token, a role that may not, an IP rule. */
  REFUSED: 5,
  /** Kairos (or its database) cannot be reached. */
  UNREACHABLE: 6,
  /** Invalid input: validation, a name already taken, a refused lock-out. */
  INVALID: 7,
  /** A bad environment variable. */
  CONFIG: 78,
} as const;

export class CliError extends Error {
  constructor(
    message: string,
    public readonly code: number = EXIT.FAILED,
  ) {
    super(message);
    this.name = "CliError";
  }
}

/**
 * The language of refusals the CLI prints: KAIROS_LANGUAGE (the instance's language), else the
 * shell's locale (LC_ALL, LC_MESSAGES, LANG: zh_* reads Chinese), else English.
 */
export function cliLocale(envs: NodeJS.ProcessEnv = process.env): Locale {
  if (isLocale(envs.KAIROS_LANGUAGE)) return envs.KAIROS_LANGUAGE;
  const shell = envs.LC_ALL || envs.LC_MESSAGES || envs.LANG || "";
  return /^zh([_-]|$)/i.test(shell) ? "zh-CN" : "en";
}

export const usage = (message: string) => new CliError(message, EXIT.USAGE);

/** HTTP status → exit code. */
export function exitCodeOfStatus(status: number): number {
  if (status === 401 || status === 403) return EXIT.REFUSED;
  if (status === 404) return EXIT.NOT_FOUND;
  if (status === 400 || status === 409 || status === 412 || status === 422) return EXIT.INVALID;
  return EXIT.FAILED;
}

/** Display width: CJK and full-width characters take two columns. */
export const width = displayWidth;

const pad = (s: string, n: number) => s + " ".repeat(Math.max(0, n - width(s)));

/** A plain-text table, columns as wide as their widest cell (long cells are cut). */
export function table(
  headers: string[],
  rows: (string | number | null | undefined)[][],
  maxCell = 48,
): string {
  const cells = rows.map((r) =>
    r.map((c) => {
      const s = c === null || c === undefined || c === "" ? "-" : String(c).replace(/\s+/g, " ");
      return width(s) > maxCell ? `${[...s].slice(0, maxCell - 1).join("")}…` : s;
    }),
  );
  const widths = headers.map((h, i) => Math.max(width(h), ...cells.map((r) => width(r[i] ?? ""))));
  const line = (r: string[]) =>
    r
      .map((c, i) => pad(c, widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return [line(headers), ...cells.map(line)].join("\n");
}

export function printJson(value: unknown) {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function when(d: string | Date | null | undefined): string {
  if (!d) return "-";
  const date = new Date(d);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())} ${p(date.getHours())}:${p(date.getMinutes())}:${p(date.getSeconds())}`;
}
