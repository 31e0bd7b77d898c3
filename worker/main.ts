/**
 * `npm run worker`: one worker process against DATABASE_URL. Run as many as you like, on as
 * many machines as you like; they share the work through Postgres.
 */

import { exitWithParent } from "../scripts/lib/children";
import { closeDb, databaseUrl } from "../server/db/client";
import { jobUser } from "../server/lib/child-env";
import { EnvError, env } from "../server/lib/env";
import { log } from "../server/lib/log";
import { processLogSink } from "../server/lib/log-sink";
import { startWorker } from "./index";

process.env.KAIROS_PROCESS ??= "worker";

// A promise nobody awaited must not end every run in flight: say so loudly and keep going
// (tests fail on this line). A thrown exception leaves state unknown: exit, the launcher restarts.
process.on("unhandledRejection", (err) => log("worker").error({ err }, "unhandled rejection"));

async function main() {
  try {
    env();
  } catch (e) {
    if (e instanceof EnvError) {
      console.error(e.message);
      process.exit(78);
    }
    throw e;
  }
  // Handlers first: a signal during start-up still ends in a clean stop (heartbeat row closed).
  const starting = startWorker({ databaseUrl: databaseUrl() });
  let signals = 0;
  const shutdown = async (signal: string) => {
    if (++signals > 1) {
      log("worker").warn({ signal }, "second signal: exiting now");
      process.exit(1);
    }
    log("worker").info({ signal }, "shutting down");
    await (await starting).stop();
    await processLogSink()?.close();
    await closeDb();
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  exitWithParent((reason) => void shutdown(reason));
  await starting;
  // As root, the user jobs run as is made now (first start) rather than at the first command.
  jobUser().catch((err) => log("worker").error({ err }, "jobs cannot run as KAIROS_RUN_AS"));
}

main().catch((err) => {
  log("worker").fatal({ err }, "worker failed to start");
  process.exit(1);
});
