import { getDb } from "../../server/db/client";
import type { Role } from "../../server/lib/enums";
import { createToken } from "../../server/tokens/tokens";
import { makeUser } from "../helpers/users";

export type Envelope<T = unknown> = {
  code: number;
  msg: string;
  data: T;
  total?: number;
  pages_total?: number;
  page?: number;
  page_size?: number;
};

/** A token of `role`: a service token, or a personal one of a fresh user with that role. */
export async function tokenFor(
  role: Role,
  kind: "service" | "personal" = "service",
  expiresAt: Date | null = null,
) {
  const user = await makeUser(role);
  const { token, view } = await createToken(
    getDb(),
    { id: user.id, name: user.username, role: user.role },
    {
      name: `${role}-${kind}-${Math.random().toString(36).slice(2, 8)}`,
      role,
      kind,
      userId: user.id,
      expiresAt,
    },
  );
  return { token, id: view.id, user };
}

type Opts = {
  token?: string | null;
  query?: Record<string, string | number | boolean>;
  form?: Record<string, string>;
  headers?: Record<string, string>;
  /** Appear to come from this address (the app trusts X-Forwarded-For from loopback in these tests). */
  from?: string;
};

/** A TimerJobs-style client: GET/POST a path, read the envelope (and the HTTP status). */
export function client(base: string, defaultToken: string | null) {
  async function call<T = unknown>(method: "GET" | "POST", path: string, body?: unknown, o: Opts = {}) {
    const url = new URL(path, base);
    for (const [k, v] of Object.entries(o.query ?? {})) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    const token = o.token === undefined ? defaultToken : o.token;
    if (token) headers.authorization = `Bearer ${token}`;
    if (o.from) headers["x-forwarded-for"] = o.from;
    let payload: string | undefined;
    if (o.form) {
      headers["content-type"] = "application/x-www-form-urlencoded";
      payload = new URLSearchParams(o.form).toString();
    } else if (body !== undefined) {
      headers["content-type"] = "application/json";
      payload = JSON.stringify(body);
    }
    const res = await fetch(url, { method, headers, body: payload, redirect: "manual" });
    const text = await res.text();
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {}
    return { status: res.status, body: json as Envelope<T>, text, headers: res.headers };
  }
  return {
    get: <T = unknown>(path: string, o: Opts = {}) => call<T>("GET", path, undefined, o),
    post: <T = unknown>(path: string, body?: unknown, o: Opts = {}) => call<T>("POST", path, body, o),
  };
}
