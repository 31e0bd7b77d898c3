/**
 * Binding a WeChat identity to a Kairos account: the signed-in user makes a one-time code on
 * their account page and sends "bind <code>" (绑定 <code>) to the WeChat account, which binds
 * the sender's openid (WeCom: userid) to them. One WeChat per account and one account per
 * WeChat: a new binding replaces the old on either side.
 */
import { createHash, randomInt } from "node:crypto";
import { and, eq, gt, lt, or } from "drizzle-orm";
import { type Actor, audit } from "../audit";
import type { Db, DbOrTx } from "../db/client";
import { users, wechatBindCodes, wechatBindings } from "../db/schema";

export const BIND_CODE_MINUTES = 10;
// No 0/O, 1/I/L: read off a screen and typed on a phone.
const ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
const hash = (code: string) => createHash("sha256").update(code.trim().toUpperCase()).digest("hex");

export async function makeBindCode(db: Db, actor: Actor & { id: number }, now = new Date()) {
  let code = "";
  for (let i = 0; i < 8; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  const expiresAt = new Date(now.getTime() + BIND_CODE_MINUTES * 60_000);
  await db.transaction(async (tx) => {
    await tx
      .delete(wechatBindCodes)
      .where(or(eq(wechatBindCodes.userId, actor.id), lt(wechatBindCodes.expiresAt, now)));
    await tx.insert(wechatBindCodes).values({ codeHash: hash(code), userId: actor.id, expiresAt });
    await audit(tx, actor, "wechat.code", "user", actor.id, {});
  });
  return { code, expiresAt };
}

/** Binds `openId` to the code's user, spending the code; null when the code is wrong or old. */
export async function bindWithCode(db: Db, openId: string, code: string, now = new Date()) {
  return db.transaction(async (tx) => {
    const [spent] = await tx
      .delete(wechatBindCodes)
      .where(and(eq(wechatBindCodes.codeHash, hash(code)), gt(wechatBindCodes.expiresAt, now)))
      .returning({ userId: wechatBindCodes.userId });
    if (!spent) return null;
    await tx
      .delete(wechatBindings)
      .where(or(eq(wechatBindings.openId, openId), eq(wechatBindings.userId, spent.userId)));
    await tx.insert(wechatBindings).values({ openId, userId: spent.userId });
    const [user] = await tx
      .select({ id: users.id, username: users.username })
      .from(users)
      .where(eq(users.id, spent.userId));
    await audit(tx, { id: spent.userId, name: user?.username ?? "?" }, "wechat.bind", "user", spent.userId, {
      after: { openId },
    });
    return user ?? null;
  });
}

export async function unbindUser(db: Db, actor: Actor & { id: number }) {
  const removed = await db.delete(wechatBindings).where(eq(wechatBindings.userId, actor.id)).returning();
  if (removed.length) await audit(db, actor, "wechat.unbind", "user", actor.id, { before: removed[0] });
  return { unbound: removed.length > 0 };
}

export async function unbindOpenId(db: Db, openId: string) {
  const [removed] = await db.delete(wechatBindings).where(eq(wechatBindings.openId, openId)).returning();
  return removed ?? null;
}

/** The user a WeChat identity is bound to (active accounts only). */
export async function boundUser(db: DbOrTx, openId: string) {
  const [row] = await db
    .select({ id: users.id, username: users.username, role: users.role, locale: users.locale })
    .from(wechatBindings)
    .innerJoin(users, eq(users.id, wechatBindings.userId))
    .where(and(eq(wechatBindings.openId, openId), eq(users.isActive, true)));
  return row ?? null;
}

/** Whether the account is bound, and since when (the openid itself is not shown). */
export async function bindingOf(db: DbOrTx, userId: number) {
  const [row] = await db
    .select({ openId: wechatBindings.openId, createdAt: wechatBindings.createdAt })
    .from(wechatBindings)
    .where(eq(wechatBindings.userId, userId));
  return row ? { isBound: true, since: row.createdAt, hint: `…${row.openId.slice(-4)}` } : { isBound: false };
}
