import "server-only";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import type { PublicUser } from "../auth/users";
import { log } from "../lib/log";
import { isCrossSite } from "../net/origin";
import { appRouter } from "../router";
import { createContext } from "../trpc";
import { API_MAX_BODY_BYTES } from "./core";

/** Procedures per batched request; the web client batches at most this many (providers.tsx). */
export const TRPC_MAX_BATCH = 20;

const refuse = (status: number, code: string, message: string) =>
  Response.json(
    {
      error: {
        json: { message, code: status === 403 ? -32003 : -32600, data: { code, httpStatus: status } },
      },
    },
    { status, headers: { "Cache-Control": "no-store" } },
  );

/**
 * /api/trpc: every request goes through tRPC's fetch adapter, after two checks it lacks —
 * mutations (POST) sent by a browser for another site are refused (a session cookie must not
 * be usable from someone else's page), a batch may hold at most TRPC_MAX_BATCH procedures, and
 * a body over API_MAX_BODY_BYTES gets 413 naming the limit.
 */
export async function handleTrpc(
  req: Request,
  opts: {
    user: () => Promise<PublicUser | null>;
    refreshSession?: () => Promise<void>;
    sessionId?: () => Promise<string | undefined>;
  },
): Promise<Response> {
  const path = new URL(req.url).pathname.replace(/^\/api\/trpc\/?/, "");
  const count = path ? path.split(",").length : 0;
  if (count > TRPC_MAX_BATCH) {
    return refuse(400, "BAD_REQUEST", `a batch may hold at most ${TRPC_MAX_BATCH} procedures (got ${count})`);
  }
  if (req.method !== "GET" && req.method !== "HEAD" && isCrossSite(req.headers, req.url)) {
    return refuse(403, "FORBIDDEN", "cross-site requests may not change anything");
  }
  if (Number(req.headers.get("content-length") ?? 0) > API_MAX_BODY_BYTES) {
    return refuse(
      413,
      "PAYLOAD_TOO_LARGE",
      `the body is larger than the limit of ${API_MAX_BODY_BYTES} bytes (1 MiB)`,
    );
  }
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: async () =>
      createContext({
        headers: req.headers,
        user: await opts.user(),
        refreshSession: opts.refreshSession,
        sessionId: await opts.sessionId?.(),
      }),
    onError: ({ path, error }) => {
      if (error.code === "INTERNAL_SERVER_ERROR")
        log("trpc").error({ path, err: error.cause ?? error }, "procedure failed");
    },
  });
}
