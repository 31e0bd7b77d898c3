import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { and, count, desc, eq, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import { type Actor, audit } from "../audit";
import type { Db, DbOrTx } from "../db/client";
import { apiTokens, users } from "../db/schema";
import { type ErrorKey, type Msg, msg, renderMsg, zodText } from "../i18n/errors";
import { ROLES, type Role, TOKEN_KINDS } from "../lib/enums";
import { DomainError, notFound, uniqueViolation } from "../lib/errors";
import { zPageSize } from "../lib/paging";

/** Tokens look like `kairos_<43 base64url chars>` (256 random bits), so leaks are easy to grep for. */
export const TOKEN_PREFIX = "kairos_";
const SHOWN_PREFIX_LENGTH = TOKEN_PREFIX.length + 6;

const ROLE_RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };
export const lowerRole = (a: Role, b: Role): Role => (ROLE_RANK[a] <= ROLE_RANK[b] ? a : b);

export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** "30d", "12h", "90m", "1y", "2w" or an ISO date → an instant; undefined/"never" → null. */
export function parseExpiry(text: string | undefined | null, now = new Date()): Date | null {
  const t = (text ?? "").trim().toLowerCase();
  if (!t || t === "never" || t === "0") return null;
  const m = /^(\d+)\s*(m|h|d|w|y)$/.exec(t);
  if (m) {
    const n = Number(m[1]);
    const unit = { m: 60e3, h: 3600e3, d: 86400e3, w: 7 * 86400e3, y: 365 * 86400e3 }[m[2] as "m"];
    return new Date(now.getTime() + n * unit);
  }
  const d = new Date(t);
  if (Number.isNaN(d.getTime())) {
    throw new DomainError("BAD_REQUEST", msg("tokenExpires", { text: String(text ?? "") }), "expires");
  }
  return d;
}

export const ZCreateTokenInput = z
  .object({
    name: z.string().trim().min(1, "required").max(100, "at most 100 characters"),
    kind: z.enum(TOKEN_KINDS, { error: "must be personal or service" }).default("service"),
    role: z.enum(ROLES, { error: `must be one of ${ROLES.join(", ")}` }),
    /** The owner of a personal token (default: whoever creates it). */
    userId: z.number().int().positive().optional(),
    expiresAt: z.coerce.date({ error: "not a date" }).nullable().default(null),
  })
  .refine((v) => v.expiresAt === null || v.expiresAt.getTime() > Date.now(), {
    path: ["expiresAt"],
    message: zodText("inFuture"),
  });
export type CreateTokenInput = z.input<typeof ZCreateTokenInput>;

export type TokenStatus = "active" | "expired" | "revoked";
export type TokenView = {
  id: number;
  name: string;
  kind: (typeof TOKEN_KINDS)[number];
  role: Role;
  userId: number | null;
  username: string | null;
  tokenPrefix: string;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  lastUsedIp: string | null;
  revokedAt: Date | null;
  createdAt: Date;
  status: TokenStatus;
};

const viewColumns = {
  id: apiTokens.id,
  name: apiTokens.name,
  kind: apiTokens.kind,
  role: apiTokens.role,
  userId: apiTokens.userId,
  username: users.username,
  tokenPrefix: apiTokens.tokenPrefix,
  expiresAt: apiTokens.expiresAt,
  lastUsedAt: apiTokens.lastUsedAt,
  lastUsedIp: apiTokens.lastUsedIp,
  revokedAt: apiTokens.revokedAt,
  createdAt: apiTokens.createdAt,
};

function statusOf(t: { revokedAt: Date | null; expiresAt: Date | null }, now = new Date()): TokenStatus {
  if (t.revokedAt) return "revoked";
  if (t.expiresAt && t.expiresAt.getTime() <= now.getTime()) return "expired";
  return "active";
}

export async function createToken(
  db: Db,
  actor: Actor,
  input: CreateTokenInput,
): Promise<{ token: string; view: TokenView }> {
  const v = ZCreateTokenInput.parse(input);
  let userId: number | null = null;
  let username: string | null = null;
  if (v.kind === "personal") {
    const ownerId = v.userId ?? actor.id;
    if (!ownerId) throw new DomainError("BAD_REQUEST", msg("tokenNeedsUser"), "userId");
    const [owner] = await db
      .select({ id: users.id, username: users.username, role: users.role, isActive: users.isActive })
      .from(users)
      .where(eq(users.id, ownerId));
    if (!owner) throw new DomainError("BAD_REQUEST", msg("noUserId", { id: ownerId }), "userId");
    if (!owner.isActive)
      throw new DomainError("BAD_REQUEST", msg("userDisabled", { user: owner.username }), "userId");
    if (ROLE_RANK[v.role] > ROLE_RANK[owner.role]) {
      throw new DomainError(
        "BAD_REQUEST",
        msg("tokenRights", { user: owner.username, role: owner.role }),
        "role",
      );
    }
    userId = owner.id;
    username = owner.username;
  }
  const token = TOKEN_PREFIX + randomBytes(32).toString("base64url");
  return db.transaction(async (tx) => {
    let row: typeof apiTokens.$inferSelect | undefined;
    try {
      [row] = await tx
        .insert(apiTokens)
        .values({
          name: v.name,
          kind: v.kind,
          role: v.role,
          userId,
          tokenHash: hashToken(token),
          tokenPrefix: token.slice(0, SHOWN_PREFIX_LENGTH),
          expiresAt: v.expiresAt,
          createdBy: actor.id,
        })
        .returning();
    } catch (e) {
      if (uniqueViolation(e) === "api_tokens_name_uq")
        throw new DomainError("CONFLICT", msg("tokenTaken"), "name");
      throw e;
    }
    if (!row) throw new Error("token insert returned nothing");
    const { tokenHash: _, ...safe } = row;
    await audit(tx, actor, "token.create", "api_token", row.id, { after: safe });
    return { token, view: { ...safe, username, status: statusOf(row) } };
  });
}

export const ZListTokensInput = z.object({
  page: z.number().int().min(1).default(1),
  size: zPageSize().default(25),
  includeRevoked: z.boolean().default(true),
});

export async function listTokens(db: DbOrTx, input: z.input<typeof ZListTokensInput> = {}) {
  const o = ZListTokensInput.parse(input);
  const where = o.includeRevoked ? undefined : isNull(apiTokens.revokedAt);
  const [rows, [total]] = await Promise.all([
    db
      .select(viewColumns)
      .from(apiTokens)
      .leftJoin(users, eq(users.id, apiTokens.userId))
      .where(where)
      // Active first, newest first.
      .orderBy(sql`${apiTokens.revokedAt} is not null`, desc(apiTokens.id))
      .limit(o.size)
      .offset((o.page - 1) * o.size),
    db.select({ n: count() }).from(apiTokens).where(where),
  ]);
  const now = new Date();
  return {
    items: rows.map((r): TokenView => ({ ...r, status: statusOf(r, now) })),
    total: total?.n ?? 0,
    page: o.page,
    size: o.size,
  };
}

/** Revoked at once: every request checks the token in the database (no cache). */
export async function revokeToken(db: Db, actor: Actor, id: number): Promise<TokenView> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(apiTokens)
      .set({ revokedAt: new Date() })
      .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt)))
      .returning({ id: apiTokens.id, name: apiTokens.name });
    if (!row) {
      const [exists] = await tx.select({ id: apiTokens.id }).from(apiTokens).where(eq(apiTokens.id, id));
      if (!exists) throw notFound("token", id);
      throw new DomainError("PRECONDITION_FAILED", msg("tokenRevoked", { id }));
    }
    await audit(tx, actor, "token.revoke", "api_token", id, { after: row });
    const [v] = await tx
      .select(viewColumns)
      .from(apiTokens)
      .leftJoin(users, eq(users.id, apiTokens.userId))
      .where(eq(apiTokens.id, id));
    if (!v) throw notFound("token", id);
    return { ...v, status: statusOf(v) };
  });
}

/** Finds an active token by its id or (case-insensitive) name — for the CLI's `token revoke`. */
export async function findTokenId(db: DbOrTx, idOrName: string): Promise<number> {
  if (/^\d+$/.test(idOrName)) return Number(idOrName);
  const [row] = await db
    .select({ id: apiTokens.id })
    .from(apiTokens)
    .where(and(sql`lower(${apiTokens.name}) = lower(${idOrName})`, isNull(apiTokens.revokedAt)));
  if (!row) throw new DomainError("NOT_FOUND", msg("noTokenNamed", { name: idOrName }));
  return row.id;
}

export type TokenAuth =
  | { ok: true; actor: Actor & { role: Role }; tokenId: number; tokenName: string }
  | { ok: false; reason: "unknown" | "revoked" | "expired" | "user_disabled"; message: string; msg: Msg };

/** A refused token: its catalog message (rendered in the caller's language) and the English text. */
function refused(reason: Extract<TokenAuth, { ok: false }>["reason"], key: ErrorKey): TokenAuth {
  const m = msg(key);
  return { ok: false, reason, message: renderMsg(m, "en"), msg: m };
}

/**
 * Who a bearer token acts as, checked against the database on every call. A personal token
 * never exceeds its user's current role, and stops working when the user is disabled.
 */
export async function authenticateToken(db: DbOrTx, token: string, ip: string | null): Promise<TokenAuth> {
  const [row] = await db
    .select({
      id: apiTokens.id,
      name: apiTokens.name,
      kind: apiTokens.kind,
      role: apiTokens.role,
      expiresAt: apiTokens.expiresAt,
      revokedAt: apiTokens.revokedAt,
      userId: apiTokens.userId,
      username: users.username,
      userRole: users.role,
      userActive: users.isActive,
    })
    .from(apiTokens)
    .leftJoin(users, eq(users.id, apiTokens.userId))
    .where(eq(apiTokens.tokenHash, hashToken(token.trim())));
  if (!row) return refused("unknown", "apiAuth.invalidToken");
  const status = statusOf(row);
  if (status === "revoked") return refused("revoked", "apiAuth.tokenRevoked");
  if (status === "expired") return refused("expired", "apiAuth.tokenExpired");
  let actor: Actor & { role: Role };
  if (row.kind === "personal") {
    if (!row.userId || !row.userActive || !row.userRole || !row.username) {
      return refused("user_disabled", "apiAuth.tokenUserDisabled");
    }
    actor = {
      id: row.userId,
      name: `${row.username} (token ${row.name})`,
      role: lowerRole(row.role, row.userRole),
      ip,
    };
  } else {
    actor = { id: null, name: `token:${row.name}`, role: row.role, ip };
  }
  // Last use, to the few seconds: one cheap update, skipped while nothing would change.
  await db.execute(sql`
    update api_tokens set last_used_at = now(), last_used_ip = ${ip}
    where id = ${row.id}
      and (last_used_at is null or last_used_at < now() - interval '5 seconds' or last_used_ip is distinct from ${ip})`);
  return { ok: true, actor, tokenId: row.id, tokenName: row.name };
}
