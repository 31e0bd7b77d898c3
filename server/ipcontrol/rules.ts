import { and, asc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { type Actor, audit } from "../audit";
import type { Db, DbOrTx } from "../db/client";
import { ipRules } from "../db/schema";
import { msg } from "../i18n/errors";
import { CidrError, displayRange, parseRange, parseRangeList } from "../lib/cidr";
import { IP_LISTS, type IpList } from "../lib/enums";
import { DomainError, notFound } from "../lib/errors";
import { getSetting, setSetting } from "../settings";
import { compileRules, decide, VERSION_KEY } from "./check";

const ENV_SEED_KEY = "ip_env_seed";

export const ZIpRuleInput = z.object({
  list: z.enum(IP_LISTS, { error: "must be allow or deny" }),
  value: z.string().trim().min(1, "required").max(100),
  note: z.string().trim().max(200).default(""),
  /** Save even if the change would lock out the caller's own address. */
  confirm: z.boolean().default(false),
});
export type IpRuleInput = z.input<typeof ZIpRuleInput>;

export type IpRuleView = {
  id: number;
  list: IpList;
  cidr: string;
  /** As people write it: a single address without /32 or /128. */
  value: string;
  note: string;
  source: string;
  createdByName: string | null;
  createdAt: Date;
};

function view(r: typeof ipRules.$inferSelect): IpRuleView {
  return {
    id: r.id,
    list: r.list,
    cidr: r.cidr,
    value: displayRange(r.cidr),
    note: r.note,
    source: r.source,
    createdByName: r.createdByName,
    createdAt: r.createdAt,
  };
}

function normalise(value: string): string {
  try {
    return parseRange(value).cidr;
  } catch (e) {
    if (e instanceof CidrError) throw new DomainError("BAD_REQUEST", e.message, "ip");
    throw e;
  }
}

export async function listIpRules(db: DbOrTx): Promise<IpRuleView[]> {
  const rows = await db.select().from(ipRules).orderBy(asc(ipRules.list), asc(ipRules.id));
  return rows.map(view);
}

export async function ipControlStatus(db: DbOrTx) {
  const rules = await listIpRules(db);
  const allow = rules.filter((r) => r.list === "allow").map((r) => r.value);
  const deny = rules.filter((r) => r.list === "deny").map((r) => r.value);
  return { enabled: rules.length > 0, whitelist: allow, blacklist: deny, rules };
}

export async function bumpVersion(db: DbOrTx) {
  await db.execute(sql`
    insert into settings (key, value) values (${VERSION_KEY}, '1'::jsonb)
    on conflict (key) do update
      set value = to_jsonb(coalesce((settings.value #>> '{}')::bigint, 0) + 1), updated_at = now()`);
}

/**
 * Refuses a change after which `callerIp` could no longer reach Kairos, unless confirmed.
 * The CLI (no caller address: it talks to the database) is how a locked-out admin gets back in.
 */
async function assertNotLockingOut(
  tx: DbOrTx,
  next: (rows: { list: IpList; cidr: string }[]) => { list: IpList; cidr: string }[],
  callerIp: string | null | undefined,
  confirm: boolean,
) {
  if (!callerIp || confirm) return;
  const rows = await tx.select({ list: ipRules.list, cidr: ipRules.cidr }).from(ipRules);
  const d = decide(compileRules(next(rows)), callerIp);
  if (!d.allowed) {
    throw new DomainError(
      "PRECONDITION_FAILED",
      msg("ipLockout", {
        ip: callerIp,
        why: d.reason,
        range: d.reason === "denied" ? displayRange(d.rule) : "",
      }),
      "confirm",
    );
  }
}

export async function addIpRule(
  db: Db,
  actor: Actor,
  input: IpRuleInput,
  opts: { callerIp?: string | null; source?: string } = {},
): Promise<IpRuleView> {
  const v = ZIpRuleInput.parse(input);
  const cidr = normalise(v.value);
  return db.transaction(async (tx) => {
    // One writer at a time, so two concurrent edits cannot together lock someone out.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('kairos_ip_rules'))`);
    await assertNotLockingOut(tx, (rows) => [...rows, { list: v.list, cidr }], opts.callerIp, v.confirm);
    const [row] = await tx
      .insert(ipRules)
      .values({
        list: v.list,
        cidr,
        note: v.note,
        source: opts.source ?? "api",
        createdBy: actor.id,
        createdByName: actor.name,
      })
      .onConflictDoNothing()
      .returning();
    if (!row) {
      throw new DomainError(
        "CONFLICT",
        msg("ipAlreadyListed", { range: displayRange(cidr), list: v.list }),
        "ip",
      );
    }
    await bumpVersion(tx);
    await audit(tx, actor, `ip.${v.list}.add`, "ip_rule", row.id, { after: view(row) });
    return view(row);
  });
}

export async function removeIpRule(
  db: Db,
  actor: Actor,
  input: { list: IpList; value: string; confirm?: boolean },
  opts: { callerIp?: string | null } = {},
): Promise<IpRuleView> {
  const cidr = normalise(input.value);
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('kairos_ip_rules'))`);
    await assertNotLockingOut(
      tx,
      (rows) => rows.filter((r) => !(r.list === input.list && r.cidr === cidr)),
      opts.callerIp,
      input.confirm ?? false,
    );
    const [row] = await tx
      .delete(ipRules)
      .where(and(eq(ipRules.list, input.list), eq(ipRules.cidr, cidr)))
      .returning();
    if (!row) {
      throw new DomainError(
        "NOT_FOUND",
        msg("ipNotListed", { range: displayRange(cidr), list: input.list }),
        "ip",
      );
    }
    await bumpVersion(tx);
    await audit(tx, actor, `ip.${input.list}.remove`, "ip_rule", row.id, { before: view(row) });
    return view(row);
  });
}

export async function removeIpRuleById(
  db: Db,
  actor: Actor,
  id: number,
  opts: { callerIp?: string | null; confirm?: boolean } = {},
) {
  const [row] = await db.select().from(ipRules).where(eq(ipRules.id, id));
  if (!row) throw notFound("IP rule", id);
  return removeIpRule(db, actor, { list: row.list, value: row.cidr, confirm: opts.confirm }, opts);
}

/**
 * IP_WHITELIST / IP_BLACKLIST are seeds: on start and on reload, what was added to them since
 * the last time is added to the stored lists, and what was taken out of them is removed (if it
 * still came from the env). Entries removed through the API or UI stay removed until the env
 * lists them anew.
 */
export async function applyEnvIpSeeds(
  db: Db,
  e: { IP_WHITELIST?: string; IP_BLACKLIST?: string },
): Promise<{ added: string[]; removed: string[] }> {
  const wanted: Record<IpList, string[]> = {
    allow: parseRangeList(e.IP_WHITELIST).map((r) => r.cidr),
    deny: parseRangeList(e.IP_BLACKLIST).map((r) => r.cidr),
  };
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('kairos_ip_rules'))`);
    const last = await getSetting<Record<IpList, string[]>>(tx, ENV_SEED_KEY, { allow: [], deny: [] });
    const added: string[] = [];
    const removed: string[] = [];
    const actor: Actor = { id: null, name: "env" };
    for (const list of IP_LISTS) {
      for (const cidr of wanted[list].filter((c) => !last[list]?.includes(c))) {
        const [row] = await tx
          .insert(ipRules)
          .values({
            list,
            cidr,
            source: "env",
            note: list === "allow" ? "IP_WHITELIST" : "IP_BLACKLIST",
            createdByName: "env",
          })
          .onConflictDoNothing()
          .returning();
        if (row) {
          added.push(`${list} ${displayRange(cidr)}`);
          await audit(tx, actor, `ip.${list}.add`, "ip_rule", row.id, { after: view(row) });
        }
      }
      for (const cidr of (last[list] ?? []).filter((c) => !wanted[list].includes(c))) {
        const [row] = await tx
          .delete(ipRules)
          .where(and(eq(ipRules.list, list), eq(ipRules.cidr, cidr), eq(ipRules.source, "env")))
          .returning();
        if (row) {
          removed.push(`${list} ${displayRange(cidr)}`);
          await audit(tx, actor, `ip.${list}.remove`, "ip_rule", row.id, { before: view(row) });
        }
      }
    }
    await setSetting(tx, ENV_SEED_KEY, wanted);
    if (added.length || removed.length) await bumpVersion(tx);
    return { added, removed };
  });
}
