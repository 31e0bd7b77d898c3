import { index, pgTable, text } from "drizzle-orm/pg-core";
import { users } from "./auth";
import { createdAt, instant, ref } from "./columns";

/**
 * A Kairos account's WeChat identity (the Official Account's openid, or the WeCom userid) for
 * the WeChat query (seed 001: 加入微信查询): answers follow that user's site scope.
 */
export const wechatBindings = pgTable("wechat_bindings", {
  openId: text("open_id").primaryKey(),
  userId: ref("user_id")
    .notNull()
    .unique("wechat_bindings_user_uq")
    .references(() => users.id, { onDelete: "cascade" }),
  createdAt: createdAt(),
});

/**
 * A one-time code a signed-in user makes on their account page and sends as "bind <code>"
 * (绑定 <code>) to the WeChat account; stored as its SHA-256, valid a few minutes.
 */
export const wechatBindCodes = pgTable(
  "wechat_bind_codes",
  {
    codeHash: text("code_hash").primaryKey(),
    userId: ref("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    expiresAt: instant("expires_at").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("wechat_bind_codes_user_idx").on(t.userId)],
);
