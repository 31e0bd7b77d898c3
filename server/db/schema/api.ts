import { sql } from "drizzle-orm";
import { index, pgEnum, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { IP_LISTS, TOKEN_KINDS } from "../../lib/enums";
import { roleEnum, users } from "./auth";
import { createdAt, id, instant, ref } from "./columns";

export { IP_LISTS, type IpList, TOKEN_KINDS, type TokenKind } from "../../lib/enums";
export const tokenKindEnum = pgEnum("api_token_kind", TOKEN_KINDS);

/**
 * API tokens for the REST APIs and the CLI. Only a SHA-256 of the token is kept: the token
 * itself is shown once. A personal token acts as its user (never above the user's own role);
 * a service token acts as itself with its role.
 */
export const apiTokens = pgTable(
  "api_tokens",
  {
    id: id(),
    name: text("name").notNull(),
    kind: tokenKindEnum("kind").notNull(),
    role: roleEnum("role").notNull(),
    userId: ref("user_id").references(() => users.id, { onDelete: "cascade" }),
    tokenHash: text("token_hash").notNull(),
    /** The first characters of the token, to recognise it in lists and logs. */
    tokenPrefix: text("token_prefix").notNull(),
    expiresAt: instant("expires_at"),
    lastUsedAt: instant("last_used_at"),
    lastUsedIp: text("last_used_ip"),
    revokedAt: instant("revoked_at"),
    createdBy: ref("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("api_tokens_hash_uq").on(t.tokenHash),
    uniqueIndex("api_tokens_name_uq").on(sql`lower(${t.name})`).where(sql`${t.revokedAt} is null`),
    index("api_tokens_user_idx").on(t.userId),
  ],
);

export const ipListEnum = pgEnum("ip_list", IP_LISTS);

/**
 * IP allow / deny rules, checked on every request by every web process. `cidr` is the
 * normalised range (a single address is /32 or /128); `source` says where a rule came from
 * (env rules follow IP_WHITELIST / IP_BLACKLIST on start and reload).
 */
export const ipRules = pgTable(
  "ip_rules",
  {
    id: id(),
    list: ipListEnum("list").notNull(),
    cidr: text("cidr").notNull(),
    note: text("note").notNull().default(""),
    source: text("source").notNull().default("api"),
    createdBy: ref("created_by").references(() => users.id, { onDelete: "set null" }),
    createdByName: text("created_by_name"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("ip_rules_list_cidr_uq").on(t.list, t.cidr)],
);

export type ApiTokenRow = typeof apiTokens.$inferSelect;
export type IpRuleRow = typeof ipRules.$inferSelect;
