import { getDb } from "../db/client";
import { log } from "../lib/log";
import { type CompiledRules, currentRules, decide } from "./check";

export type GateResult = { allowed: true } | { allowed: false; message: string; messageZh: string };

/** A request never waits longer than this for the rules (a hung database must not hang every page). */
export const IP_RULES_QUERY_TIMEOUT_MS = 1_000;
/** Rules last read this long ago are still enforced while the database cannot be asked… */
export const IP_RULES_MAX_STALE_MS = 10 * 60_000;
/** …and after a failed read, requests use them without asking again for this long. */
const RETRY_AFTER_FAILURE_MS = 2_000;

type GateState = {
  rules?: CompiledRules;
  loadedAt: number;
  failedAt: number;
  inFlight?: Promise<CompiledRules>;
};
const g = globalThis as typeof globalThis & { __kairosIpGate?: GateState };
const state = (): GateState => {
  g.__kairosIpGate ??= { loadedAt: 0, failedAt: 0 };
  return g.__kairosIpGate;
};

/** For tests: forget what this process loaded. */
export function resetIpGate() {
  g.__kairosIpGate = undefined;
}

/**
 * The rules as the database has them now, or the last ones read when it cannot answer in
 * time. One read at a time per process: when the database hangs, requests do not pile up
 * connections behind it. Undefined when no rules are known (or too old to trust).
 */
async function rulesNow(): Promise<{ rules?: CompiledRules; fresh: boolean }> {
  const s = state();
  const now = Date.now();
  const stale = () => (s.rules && Date.now() - s.loadedAt <= IP_RULES_MAX_STALE_MS ? s.rules : undefined);
  if (now - s.failedAt < RETRY_AFTER_FAILURE_MS) return { rules: stale(), fresh: false };
  s.inFlight ??= currentRules(getDb()).finally(() => {
    s.inFlight = undefined;
  });
  const reading = s.inFlight;
  let timer: NodeJS.Timeout | undefined;
  try {
    const rules = await Promise.race([
      reading,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer in ${IP_RULES_QUERY_TIMEOUT_MS} ms`)),
          IP_RULES_QUERY_TIMEOUT_MS,
        );
      }),
    ]);
    s.rules = rules;
    s.loadedAt = Date.now();
    s.failedAt = 0;
    return { rules, fresh: true };
  } catch (err) {
    if (!s.failedAt) {
      log("ip").warn(
        { err: (err as Error).message, ageMs: s.rules ? Date.now() - s.loadedAt : null },
        "could not read the IP rules; using the last ones loaded",
      );
    }
    s.failedAt = Date.now();
    // A read that ends late still refreshes the copy.
    reading.then(
      (rules) => {
        s.rules = rules;
        s.loadedAt = Date.now();
      },
      () => {},
    );
    return { rules: stale(), fresh: false };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The IP check proxy.ts runs before anything else on every request. The rules are re-read
 * whenever their version moves (checked on each request), so a change made through any web
 * process, the UI or the CLI applies to the very next request everywhere. When the database
 * does not answer, the last rules read are enforced for up to IP_RULES_MAX_STALE_MS; past
 * that, or with none ever read, only health checks pass (the rest gets a 503 from proxy.ts).
 */
export async function ipGate(
  address: string | null,
  opts: { isHealth: boolean },
): Promise<GateResult | { allowed: false; unavailable: true; message: string; messageZh: string }> {
  const { rules, fresh } = await rulesNow();
  if (!rules) {
    if (fresh || opts.isHealth) return { allowed: true };
    return {
      allowed: false,
      unavailable: true,
      message: "the IP rules cannot be checked right now (database unavailable); try again shortly",
      messageZh: "暂时无法检查 IP 规则（数据库不可用），请稍后再试",
    };
  }
  const d = decide(rules, address, opts.isHealth);
  if (d.allowed) return d;
  const who = address ?? "unknown";
  return d.reason === "denied"
    ? {
        allowed: false,
        message: `access denied: your address ${who} is in the deny list`,
        messageZh: `访问被拒绝：IP地址 ${who} 在黑名单中`,
      }
    : {
        allowed: false,
        message: `access denied: your address ${who} is not in the allow list`,
        messageZh: `访问被拒绝：IP地址 ${who} 不在白名单中`,
      };
}
