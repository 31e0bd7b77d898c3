import { sql } from "drizzle-orm";
import type { DbOrTx } from "../db/client";
import { parseRange, type Range, rangeHas, toParsedAddress } from "../lib/cidr";
import type { IpList } from "../lib/enums";

export const VERSION_KEY = "ip_rules_version";

export type CompiledRules = { version: number; allow: Range[]; deny: Range[] };
export type IpDecision =
  | { allowed: true }
  | { allowed: false; reason: "denied"; rule: string }
  | { allowed: false; reason: "not_allowed" };

export function compileRules(rows: { list: IpList; cidr: string }[], version = 0): CompiledRules {
  const out: CompiledRules = { version, allow: [], deny: [] };
  for (const r of rows) out[r.list].push(parseRange(r.cidr));
  return out;
}

/**
 * Deny wins; an empty allow list allows everyone; otherwise the address must be in it.
 * `ignoreAllowList` is for health checks, which stay reachable unless the address is denied.
 * An unknown address matches no rule (so a non-empty allow list refuses it).
 */
export function decide(
  rules: Pick<CompiledRules, "allow" | "deny">,
  address: string | null,
  ignoreAllowList = false,
): IpDecision {
  const addr = address ? toParsedAddress(address) : null;
  if (addr) {
    const denied = rules.deny.find((r) => rangeHas(r, addr));
    if (denied) return { allowed: false, reason: "denied", rule: denied.cidr };
  }
  if (ignoreAllowList || rules.allow.length === 0) return { allowed: true };
  if (addr && rules.allow.some((r) => rangeHas(r, addr))) return { allowed: true };
  return { allowed: false, reason: "not_allowed" };
}

// One compiled copy per process, replaced when the version in the database moves. Every request
// reads the version (one indexed row), so a change made by any process applies to the next
// request everywhere — no TTL.
const g = globalThis as typeof globalThis & { __kairosIpRules?: CompiledRules };

export async function currentRules(db: DbOrTx): Promise<CompiledRules> {
  const [row] = await db.execute<{ v: string | null }>(
    sql`select (value #>> '{}') as v from settings where key = ${VERSION_KEY}`,
  );
  const version = Number(row?.v ?? 0);
  const cached = g.__kairosIpRules;
  if (cached && cached.version === version) return cached;
  const rows = await db.execute<{ list: IpList; cidr: string }>(sql`select list, cidr from ip_rules`);
  const compiled = compileRules([...rows], version);
  g.__kairosIpRules = compiled;
  return compiled;
}

/** The last rules this process loaded (used when the database cannot be asked). */
export function lastKnownRules(): CompiledRules | undefined {
  return g.__kairosIpRules;
}
