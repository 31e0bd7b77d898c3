import { createUser, type PublicUser } from "../../server/auth/users";
import { getDb } from "../../server/db/client";
import type { Role } from "../../server/lib/enums";
import { createCaller } from "../../server/router";

let n = 0;
export async function makeUser(
  role: Role,
  password = "password123",
  extra: { username?: string } = {},
): Promise<PublicUser> {
  n++;
  return createUser(
    getDb(),
    { id: null, name: "test" },
    {
      username: extra.username ?? `${role}${n}`,
      email: `${extra.username ?? `${role}${n}`}@example.com`,
      name: "",
      role,
      password,
    },
  );
}

/** A tRPC caller acting as `user` (or anonymous), through the real router and middleware. */
export function callerFor(user: PublicUser | null) {
  return createCaller({ db: getDb(), user, ip: "127.0.0.1" });
}

/**
 * Calls a procedure over tRPC's HTTP handler (what browsers get, with the error formatter
 * applied), without a web server.
 */
export async function httpCall(
  user: PublicUser | null,
  path: string,
  input: unknown,
  method: "GET" | "POST" = "POST",
) {
  const { fetchRequestHandler } = await import("@trpc/server/adapters/fetch");
  const superjson = (await import("superjson")).default;
  const { appRouter } = await import("../../server/router");
  const { createContext } = await import("../../server/trpc");
  const body = JSON.stringify(superjson.serialize(input));
  const url = `http://localhost/api/trpc/${path}${method === "GET" ? `?input=${encodeURIComponent(body)}` : ""}`;
  const req = new Request(url, {
    method,
    headers: { "content-type": "application/json" },
    body: method === "POST" ? body : undefined,
  });
  const res = await fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: () => createContext({ headers: req.headers, user }),
  });
  const json = (await res.json()) as {
    error?: {
      json: { message: string; data: { code: string; fieldErrors: Record<string, string[]> | null } };
    };
    result?: { data: { json: unknown } };
  };
  return { status: res.status, error: json.error?.json, data: json.result?.data.json };
}
