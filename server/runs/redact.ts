import type { JobMode } from "../lib/enums";
import type { CommandParams, HttpParams } from "./modes/params";

/**
 * Secret values redacted out of run output (issue 7, Medium 9). The run engine uses this; the
 * jobs domain's masking of definitions (server/jobs/secret-fields.ts) shares the mask, the
 * header rule and the URL password reader from here, so runs never import jobs.
 */
export const SECRET_MASK = "********";

const SECRET_HEADER =
  /^(authorization|proxy-authorization|cookie|x-api-key|api-key|apikey|x-auth-token|x-access-token|private-token)$|token|secret|passw|api[-_]?key|signature/i;

export const isSecretHeader = (name: string) => SECRET_HEADER.test(name.trim());

export function urlPassword(raw: string | undefined): string | null {
  if (!raw) return null;
  try {
    const u = new URL(raw);
    return u.password ? decodeURIComponent(u.password) : null;
  } catch {
    return null;
  }
}

/** Every secret value of a definition, for redacting run output. */
export function secretValuesOf(mode: JobMode, params: unknown): string[] {
  const out: string[] = [];
  if (mode === "http") {
    const p = params as HttpParams;
    for (const [n, v] of p.headers ?? [])
      if (isSecretHeader(n)) out.push(v.replace(/^(Bearer|Basic|Token)\s+/i, ""), v);
    if (p.cookies) out.push(p.cookies);
    for (const u of [p.url, p.proxy]) {
      const pw = urlPassword(u);
      if (pw) out.push(pw);
    }
  } else if (mode === "command" || mode === "script") {
    // Short env values (a region, "1") would blank ordinary words out of the output.
    out.push(...Object.values((params as CommandParams).env ?? {}).filter((v) => v.length >= 8));
  }
  return out;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Replaces every occurrence of the values (4 characters or more) by SECRET_MASK. */
export function redactor(values: string[]): (text: string) => string {
  const list = secretList(values);
  if (!list.length) return (text) => text;
  const re = new RegExp(list.map(escapeRe).join("|"), "g");
  return (text) => text.replace(re, SECRET_MASK);
}

const secretList = (values: string[]) =>
  [...new Set(values.filter((v) => v.length >= 4))].sort((a, b) => b.length - a.length);

/**
 * A redactor for output that arrives in chunks: a secret cut in two by a chunk boundary is
 * still caught, because the end of a chunk that could be the start of a secret is held back
 * (per stream) until the next chunk or `flush`.
 */
export function streamRedactor<S extends string>(values: string[]) {
  const list = secretList(values);
  const whole = redactor(list);
  const held = new Map<S, string>();
  const heldBack = (text: string) => {
    for (let n = Math.min(text.length, (list[0]?.length ?? 1) - 1); n > 0; n--) {
      const tail = text.slice(-n);
      if (list.some((v) => v.startsWith(tail))) return n;
    }
    return 0;
  };
  return {
    write(stream: S, text: string): string {
      if (!list.length) return text;
      const redacted = whole((held.get(stream) ?? "") + text);
      const n = heldBack(redacted);
      held.set(stream, n ? redacted.slice(-n) : "");
      return n ? redacted.slice(0, -n) : redacted;
    },
    /** What is still held back, per stream, redacted. */
    flush(): [S, string][] {
      const out = [...held].filter(([, t]) => t).map(([s, t]): [S, string] => [s, whole(t)]);
      held.clear();
      return out;
    },
  };
}
