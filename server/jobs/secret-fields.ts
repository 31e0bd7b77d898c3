import { can } from "../auth/permissions";
import { msg } from "../i18n/errors";
import type { JobMode, Role } from "../lib/enums";
import { DomainError } from "../lib/errors";
import type { CommandParams, HttpParams } from "../runs/modes/params";
import { isSecretHeader, SECRET_MASK, urlPassword } from "../runs/redact";
import { formatCommandText, isTextMode, type ModeParams } from "./command-text";

/**
 * Secret values inside job definitions (issue 7, Medium 9): http headers that carry credentials,
 * cookies, the password of a proxy or of the URL (basic auth), and every command / script env value.
 * Everyone but admins sees them as SECRET_MASK; an edit that sends the mask back keeps the
 * stored value. A value that references a named secret (`{{secret.NAME}}`) holds nothing secret
 * itself and is shown as written.
 */
export { SECRET_MASK };

const SECRET_REF = /\{\{\s*secret\.[A-Za-z_][A-Za-z0-9_]*\s*\}\}/;

const hidesSomething = (v: string | undefined): v is string => !!v && !SECRET_REF.test(v);

export const canSeeSecrets = (role: Role | null | undefined) => can(role, "jobs.secrets");

function withUrlPassword(raw: string, password: string): string {
  const u = new URL(raw);
  u.password = encodeURIComponent(password);
  return u.toString() === raw ? raw : rebuild(raw, u);
}

/** new URL() normalises (a trailing slash); keep the user's spelling apart from the password. */
function rebuild(raw: string, u: URL): string {
  const at = raw.indexOf("@");
  const scheme = raw.indexOf("://");
  if (at < 0 || scheme < 0) return u.toString();
  const userinfo = raw.slice(scheme + 3, at);
  const colon = userinfo.indexOf(":");
  const user = colon < 0 ? userinfo : userinfo.slice(0, colon);
  return `${raw.slice(0, scheme + 3)}${user}:${u.password}${raw.slice(at)}`;
}

function maskUrlPassword(raw: string | undefined): string | undefined {
  if (!raw) return raw;
  const pw = urlPassword(raw);
  return pw && hidesSomething(pw) ? withUrlPassword(raw, SECRET_MASK) : raw;
}

/** The params as non-admins see them. */
export function maskParams(mode: JobMode, params: unknown): unknown {
  if (mode === "http") {
    const p = params as HttpParams;
    return {
      ...p,
      url: maskUrlPassword(p.url),
      proxy: maskUrlPassword(p.proxy),
      headers: (p.headers ?? []).map(([n, v]) => [
        n,
        isSecretHeader(n) && hidesSomething(v) ? SECRET_MASK : v,
      ]),
      ...(hidesSomething(p.cookies) ? { cookies: SECRET_MASK } : {}),
    };
  }
  if (mode === "command" || mode === "script") {
    const p = params as CommandParams;
    return {
      ...p,
      env: Object.fromEntries(
        Object.entries(p.env ?? {}).map(([k, v]) => [k, hidesSomething(v) ? SECRET_MASK : v]),
      ),
    };
  }
  return params;
}

/** A job view for `role`: params and their 【key】value text masked unless the role is admin. */
export function jobForRole<J extends { mode: JobMode; params: unknown; commandText: string }>(
  job: J,
  role: Role | null | undefined,
): J {
  if (canSeeSecrets(role)) return job;
  const params = maskParams(job.mode, job.params);
  return {
    ...job,
    params,
    commandText: isTextMode(job.mode)
      ? formatCommandText(job.mode, params as ModeParams[typeof job.mode])
      : job.commandText,
  };
}

const masked = (field: string, what: string): never => {
  throw new DomainError("BAD_REQUEST", msg("secretHidden", { what, mask: SECRET_MASK }), field);
};

/**
 * The params of an edit with every mask sent back replaced by the stored value (`before`, the
 * stored params of the same mode, or null for a new job). A mask with nothing stored behind it
 * is refused, so "********" never becomes a password by accident.
 */
export function unmaskParams(
  mode: JobMode,
  next: Record<string, unknown>,
  before: unknown,
): Record<string, unknown> {
  if (mode === "http") {
    const p = next as HttpParams;
    const b = (before ?? null) as HttpParams | null;
    const seen = new Map<string, number>();
    const headers = p.headers.map(([n, v]): [string, string] => {
      const key = n.trim().toLowerCase();
      const nth = seen.get(key) ?? 0;
      seen.set(key, nth + 1);
      if (v !== SECRET_MASK) return [n, v];
      const stored = (b?.headers ?? []).filter(([bn]) => bn.trim().toLowerCase() === key)[nth];
      return [n, stored ? stored[1] : masked("params.headers", `header ${n}`)];
    });
    const url = unmaskUrl(p.url, b?.url, "params.url", "the URL's password") ?? p.url;
    const proxy = unmaskUrl(p.proxy, b?.proxy, "params.proxy", "the proxy's password");
    const cookies =
      p.cookies === SECRET_MASK ? (b?.cookies ?? masked("params.cookies", "cookies")) : p.cookies;
    return { ...p, url, proxy, headers, cookies };
  }
  if (mode === "command" || mode === "script") {
    const p = next as CommandParams;
    const b = (before ?? null) as CommandParams | null;
    const env = Object.fromEntries(
      Object.entries(p.env).map(([k, v]) => [
        k,
        v === SECRET_MASK ? (b?.env?.[k] ?? masked("params.env", `env ${k}`)) : v,
      ]),
    );
    return { ...p, env };
  }
  return next;
}

function unmaskUrl(raw: string | undefined, before: string | undefined, field: string, what: string) {
  if (!raw || urlPassword(raw) !== SECRET_MASK) return raw;
  const stored = urlPassword(before);
  return stored ? withUrlPassword(raw, stored) : masked(field, what);
}
