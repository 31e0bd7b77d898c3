import { getDb } from "../db/client";
import { log } from "../lib/log";
import { type CompiledRules, currentRules, decide, lastKnownRules } from "./check";

export type GateResult = { allowed: true } | { allowed: false; message: string; messageZh: string };

/**
 * The IP check proxy.ts runs before anything else on every request. The rules are re-read
 * whenever their version moves (checked on each request), so a change made through any web
 * process, the UI or the CLI applies to the very next request everywhere.
 */
export async function ipGate(address: string | null, opts: { isHealth: boolean }): Promise<GateResult> {
  let rules: CompiledRules | undefined;
  try {
    rules = await currentRules(getDb());
  } catch (err) {
    // No database: keep enforcing what was last loaded (nothing else works meanwhile anyway).
    rules = lastKnownRules();
    log("ip").warn({ err }, "could not read the IP rules; using the last ones loaded");
  }
  if (!rules) return { allowed: true };
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
