import "server-only";
import pino, { type Logger } from "pino";
import pretty from "pino-pretty";
import { env } from "./env";
import { processLogSink, serviceName } from "./log-sink";

let root: Logger | undefined;

/**
 * JSON logs by default (for journald / log shippers); pretty when LOG_PRETTY=1 or in development.
 * pino-pretty is used as a stream, not a transport: transports spawn worker threads that
 * bundlers (Next) cannot trace. Timestamps are ISO in both.
 */
export function logger(): Logger {
  if (root) return root;
  let level = "info";
  let isPretty = false;
  try {
    const e = env();
    level = e.LOG_LEVEL;
    isPretty = e.LOG_PRETTY ?? (e.NODE_ENV === "development" || !!process.stdout.isTTY);
  } catch {
    // A bad env is reported by whoever validates it; logging must still work to say so.
  }
  const base = { pid: process.pid, svc: serviceName() };
  const out = isPretty
    ? pretty({ colorize: true, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname" })
    : pino.destination(1);
  // Also kept in the database for the logs page (server/lib/log-sink.ts), unless LOG_STORE=0.
  const sink = processLogSink();
  const stream = sink
    ? pino.multistream([
        { level: "trace", stream: out },
        { level: "trace", stream: sink },
      ])
    : out;
  root = pino({ level, base, timestamp: pino.stdTimeFunctions.isoTime }, stream);
  return root;
}

const children = new Map<string, Logger>();

/** For a process that changes LOG_LEVEL after logging started (the CLI becoming the launcher). */
export function resetLogger() {
  root = undefined;
  children.clear();
}

export function log(component: string): Logger {
  let child = children.get(component);
  if (!child) {
    child = logger().child({ component });
    children.set(component, child);
  }
  return child;
}
