/**
 * `npm run web`: the web process (Next.js, production build) against DATABASE_URL. Stateless:
 * run several behind a load balancer. A small custom server, so the client address Kairos
 * sees comes from the socket and cannot be forged with a header.
 */
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import next from "next";
import type { Logger } from "pino";
import { ensureAuthSecret } from "../server/auth/secret";
import { announceSetupCode } from "../server/auth/setup-code";
import { closeDb, databaseUrl, getDb } from "../server/db/client";
import { applyEnvIpSeeds } from "../server/ipcontrol/rules";
import { EnvError, env } from "../server/lib/env";
import { log } from "../server/lib/log";
import { processLogSink } from "../server/lib/log-sink";
import { CLIENT_IP_HEADER, clientAddress } from "../server/net/client-address";
import { exitWithParent } from "./lib/children";

process.env.KAIROS_PROCESS ??= "web";

// One failed promise must not take every open request down (the launcher restarts real crashes).
process.on("unhandledRejection", (err) => log("web").error({ err }, "unhandled rejection"));

async function main() {
  let e: ReturnType<typeof env>;
  try {
    e = env();
    databaseUrl();
  } catch (err) {
    console.error(err instanceof EnvError ? err.message : (err as Error).message);
    process.exit(78);
  }
  const l = log("web");
  if (!existsSync(path.join(process.cwd(), ".next", "BUILD_ID"))) {
    console.error("No production build found: run `npm run build` first (`npm start` does it for you).");
    process.exit(78);
  }
  process.env.AUTH_SECRET ??= await ensureAuthSecret(getDb());
  process.env.AUTH_TRUST_HOST ??= "true";
  // Until the first admin exists, /setup from another machine needs this code (Jenkins-style).
  await announceSetupCode(getDb(), l);
  // IP_WHITELIST / IP_BLACKLIST → the stored lists (only what changed in the env since last time).
  const seeded = await applyEnvIpSeeds(getDb(), e);
  if (seeded.added.length || seeded.removed.length) l.info(seeded, "IP lists updated from the environment");
  // Tells proxy.ts (same process) that the client-address header below can be believed.
  process.env.KAIROS_CLIENT_IP_FROM_SOCKET = "1";

  const app = next({ dev: false, dir: process.cwd(), port: e.PORT });
  await app.prepare();
  const handle = app.getRequestHandler();
  const server = http.createServer((req, res) => {
    // Only this server sets the header; anything a client sent under that name is dropped.
    // X-Forwarded-For counts only from TRUSTED_PROXIES (see server/net/client-address.ts).
    req.headers[CLIENT_IP_HEADER] = clientAddress(req, e.TRUSTED_PROXIES);
    logRequests(req, res, l);
    handle(req, res).catch((err) => {
      l.error({ err, url: req.url }, "request failed");
      if (!res.headersSent) res.writeHead(500).end("internal error");
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(e.PORT, e.HOST, resolve));
  l.info({ port: e.PORT, host: e.HOST }, "web listening");

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) process.exit(1);
    closing = true;
    l.info({ signal }, "shutting down");
    server.close(
      () => void Promise.all([closeDb(), processLogSink()?.close()]).finally(() => process.exit(0)),
    );
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  exitWithParent(shutdown);
}

/**
 * One line per request, with an id the response carries (X-Request-Id) so a user's report of
 * a failure can be found on the logs page. Static files and the logs page's own polling are
 * logged at debug: they would drown everything else.
 */
function logRequests(req: http.IncomingMessage, res: http.ServerResponse, l: Logger) {
  const reqId = randomUUID();
  req.headers["x-request-id"] = reqId;
  res.setHeader("X-Request-Id", reqId);
  const started = performance.now();
  res.on("finish", () => {
    const url = req.url ?? "";
    // The ops pages poll (live tail, system): their own reads would fill the log they show.
    const quiet = url.startsWith("/_next/") || url.startsWith("/api/trpc/ops.") || url === "/api/health";
    l[quiet ? "debug" : "info"](
      {
        reqId,
        method: req.method,
        url: url.length > 500 ? `${url.slice(0, 500)}…` : url,
        status: res.statusCode,
        ms: Math.round(performance.now() - started),
        ip: req.headers[CLIENT_IP_HEADER],
      },
      "request",
    );
  });
}

main().catch((err) => {
  log("web").fatal({ err }, "web failed to start");
  process.exit(1);
});
