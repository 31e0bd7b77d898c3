import type { z } from "zod";
import { issueMsg, msg } from "../i18n/errors";
import type { JobMode } from "../lib/enums";
import { DomainError } from "../lib/errors";
import {
  type CommandParams,
  type FuncParams,
  type HttpParams,
  type MailPickupParams,
  type ScriptParams,
  type SitePullParams,
  ZCommandParams,
  ZFuncParams,
  ZHttpParams,
} from "../runs/modes/params";

/**
 * The seed's command syntax: one `【key】value` per line, e.g.
 *   【url】https://api.example.com/sync
 *   【mode】POST
 *   【headers】Content-Type:application/json|||Authorization:Bearer t
 * parsed into a mode's structured params and printed back from them, so a job can be edited
 * either way and always reads the same. Text without any 【key】 is accepted as the seed's
 * short form: a bare URL (http), a bare command line (command), or `Name arg1,arg2` (func).
 */
const KEYS = {
  http: ["url", "mode", "headers", "data", "cookies", "proxy", "times", "result"],
  command: ["command", "workdir", "env", "timeout", "shell"],
  func: ["name", "arg"],
} as const;

type TextMode = keyof typeof KEYS;
/** Every form mode's params; script and mail-pickup modes have no 【key】value text (structured only). */
export type ModeParams = {
  http: HttpParams;
  command: CommandParams;
  func: FuncParams;
  script: ScriptParams;
  mail_pickup: MailPickupParams;
  site_pull: SitePullParams;
};

export function isTextMode(mode: JobMode): mode is TextMode {
  return mode in KEYS;
}

const KEY_RE = /【([^】\n]{1,40})】/g;

/** Splits `【a】x【b】y` into { a: "x", b: "y" }; a value ends where the next key begins. */
function splitKeys(text: string, mode: TextMode): Map<string, string> {
  const found = [...text.matchAll(KEY_RE)];
  const out = new Map<string, string>();
  const known: readonly string[] = KEYS[mode];
  for (const [i, m] of found.entries()) {
    const key = (m[1] ?? "").trim().toLowerCase();
    if (!known.includes(key)) {
      throw new DomainError(
        "BAD_REQUEST",
        msg("unknownCommandKey", { name: m[1] ?? "", mode, known: known.map((k) => `【${k}】`).join(" ") }),
        "command",
      );
    }
    if (out.has(key)) throw new DomainError("BAD_REQUEST", msg("keyTwice", { name: key }), "command");
    const start = (m.index ?? 0) + m[0].length;
    const end = found[i + 1]?.index ?? text.length;
    // A value runs to the next key; the line break before that key is not part of it.
    out.set(key, text.slice(start, end).replace(/\r?\n$/, ""));
  }
  const before = text.slice(0, found[0]?.index ?? text.length).trim();
  if (found.length && before) {
    throw new DomainError("BAD_REQUEST", msg("textBeforeKey", { text: before.slice(0, 40) }), "command");
  }
  return out;
}

function pairs(value: string, sep: ":" | "=", what: string): [string, string][] {
  return value
    .split("|||")
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => {
      const at = p.indexOf(sep);
      if (at <= 0) throw new DomainError("BAD_REQUEST", msg("pairForm", { what, pair: p, sep }), "command");
      return [p.slice(0, at).trim(), p.slice(at + 1).trim()];
    });
}

function int(value: string, key: string): number {
  const v = value.trim();
  if (!/^\d+$/.test(v))
    throw new DomainError("BAD_REQUEST", msg("keyWholeNumber", { name: key, value: v }), "command");
  return Number(v);
}

function validated<S extends z.ZodType>(
  schema: S,
  raw: unknown,
  keyOf: (field: string) => string,
): z.infer<S> {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const field = String(issue?.path[0] ?? "");
  const detail = issue ? (issueMsg(issue) ?? issue.message) : msg("invalidFormat");
  throw new DomainError("BAD_REQUEST", msg("keyInvalid", { name: keyOf(field), detail }), "command");
}

const HTTP_FIELD_KEY: Record<string, string> = { method: "mode", args: "arg" };
const keyOf = (field: string) => HTTP_FIELD_KEY[field] ?? field;

export function parseCommandText<M extends TextMode>(mode: M, text: string): ModeParams[M] {
  const trimmed = text.trim();
  if (!trimmed) throw new DomainError("BAD_REQUEST", msg("emptyCommandText"), "command");
  const hasKeys = /【[^】\n]{1,40}】/.test(trimmed);
  if (mode === "http") {
    const k = hasKeys ? splitKeys(trimmed, mode) : new Map([["url", trimmed]]);
    return validated(
      ZHttpParams,
      {
        url: k.get("url")?.trim(),
        method: k.get("mode")?.trim() || undefined,
        headers: k.has("headers") ? pairs(k.get("headers") ?? "", ":", "header") : [],
        data: k.get("data"),
        cookies: k.get("cookies")?.trim() || undefined,
        proxy: k.get("proxy")?.trim() || undefined,
        times: k.has("times") ? int(k.get("times") ?? "", "times") : undefined,
        result: k.get("result") || undefined,
      },
      keyOf,
    ) as ModeParams[M];
  }
  if (mode === "command") {
    const k = hasKeys ? splitKeys(trimmed, mode) : new Map([["command", trimmed]]);
    const shell = k.get("shell")?.trim().toLowerCase();
    return validated(
      ZCommandParams,
      {
        command: k.get("command"),
        workdir: k.get("workdir")?.trim() || undefined,
        env: Object.fromEntries(k.has("env") ? pairs(k.get("env") ?? "", "=", "variable") : []),
        timeout: k.has("timeout") ? int(k.get("timeout") ?? "", "timeout") : undefined,
        shell: shell === undefined ? undefined : (SHELL_WORDS[shell] ?? shell),
      },
      keyOf,
    ) as ModeParams[M];
  }
  let name: string | undefined;
  let arg: string | undefined;
  if (hasKeys) {
    const k = splitKeys(trimmed, "func");
    name = k.get("name")?.trim();
    arg = k.get("arg");
  } else {
    // The seed's table writes calls as `Math +,10,5`: the name, a space, the arguments.
    const at = trimmed.search(/\s/);
    name = at < 0 ? trimmed : trimmed.slice(0, at);
    arg = at < 0 ? undefined : trimmed.slice(at + 1);
  }
  return validated(
    ZFuncParams,
    { name, args: arg === undefined || arg.trim() === "" ? [] : arg.split(",") },
    keyOf,
  ) as ModeParams[M];
}

const SHELL_WORDS: Record<string, string> = {
  true: "always",
  yes: "always",
  sh: "always",
  bash: "always",
  false: "never",
  no: "never",
};

/** Params → the seed's text, in a fixed key order, leaving out what is default. */
export function formatCommandText<M extends TextMode>(mode: M, params: ModeParams[M]): string {
  const lines: string[] = [];
  const put = (key: string, value: string | undefined) => {
    if (value !== undefined && value !== "") lines.push(`【${key}】${value}`);
  };
  if (mode === "http") {
    const p = params as HttpParams;
    put("url", p.url);
    put("mode", p.method);
    put("headers", p.headers.map(([n, v]) => `${n}:${v}`).join("|||"));
    put("data", p.data);
    put("cookies", p.cookies);
    put("proxy", p.proxy);
    if (p.times !== 1) put("times", String(p.times));
    put("result", p.result);
  } else if (mode === "command") {
    const p = params as CommandParams;
    put("command", p.command);
    put("workdir", p.workdir);
    put(
      "env",
      Object.entries(p.env)
        .map(([k, v]) => `${k}=${v}`)
        .join("|||"),
    );
    if (p.timeout !== undefined) put("timeout", String(p.timeout));
    if (p.shell !== "auto") put("shell", p.shell);
  } else {
    const p = params as FuncParams;
    put("name", p.name);
    put("arg", p.args.join(","));
  }
  return lines.join("\n");
}
