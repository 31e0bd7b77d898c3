import "server-only";
import { RateLimiterPostgres, RateLimiterRes } from "rate-limiter-flexible";
import type { Db } from "../db/client";
import { authenticate, type PublicUser } from "./users";

/** Failed sign-ins allowed per account (whoever tries) in the window… */
export const LOGIN_FAILURES_PER_ACCOUNT = 10;
/** …and per client address (whatever accounts it tries). */
export const LOGIN_FAILURES_PER_ADDRESS = 30;
const WINDOW_SECONDS = 15 * 60;
/** Once over a limit, sign-in is refused (even with the right password) for this long. */
export const LOGIN_LOCKOUT_SECONDS = 15 * 60;

type Limiters = { account: RateLimiterPostgres; address: RateLimiterPostgres };
const byDb = new WeakMap<Db, Limiters>();

/** rate-limiter-flexible speaks node-postgres; this hands its statements to our postgres.js pool. */
function storeClient(db: Db) {
  return {
    query: async (q: { text: string; values?: unknown[] }) => {
      const rows = await db.$client.unsafe(q.text, (q.values ?? []) as never[]);
      return { rows, rowCount: rows.count };
    },
  };
}

function limiters(db: Db): Limiters {
  let l = byDb.get(db);
  if (!l) {
    const common = {
      storeClient: storeClient(db),
      storeType: "pool",
      tableName: "login_limits",
      // The table is created by our migrations (drizzle/), not by the library.
      tableCreated: true,
      duration: WINDOW_SECONDS,
      blockDuration: LOGIN_LOCKOUT_SECONDS,
    };
    l = {
      account: new RateLimiterPostgres({ ...common, keyPrefix: "acct", points: LOGIN_FAILURES_PER_ACCOUNT }),
      address: new RateLimiterPostgres({ ...common, keyPrefix: "addr", points: LOGIN_FAILURES_PER_ADDRESS }),
    };
    byDb.set(db, l);
  }
  return l;
}

/** The account key: what was typed, normalised — unknown accounts are counted like real ones. */
const accountKey = (login: string) => login.trim().toLowerCase().slice(0, 200);

/** Seconds until sign-in may be tried again, or 0 when neither the account nor the address is locked. */
export async function loginLockedFor(db: Db, login: string, address: string | null): Promise<number> {
  const l = limiters(db);
  const [acct, addr] = await Promise.all([
    l.account.get(accountKey(login)),
    address ? l.address.get(address) : null,
  ]);
  let ms = 0;
  if (acct && acct.consumedPoints >= LOGIN_FAILURES_PER_ACCOUNT) ms = Math.max(ms, acct.msBeforeNext);
  if (addr && addr.consumedPoints >= LOGIN_FAILURES_PER_ADDRESS) ms = Math.max(ms, addr.msBeforeNext);
  return Math.ceil(ms / 1000);
}

/** Counts a failed sign-in; returns the seconds of lockout it started (0 when none). */
export async function recordLoginFailure(db: Db, login: string, address: string | null): Promise<number> {
  const l = limiters(db);
  const counted = await Promise.all([
    settle(l.account.consume(accountKey(login))).then((r) => [r, LOGIN_FAILURES_PER_ACCOUNT] as const),
    address ? settle(l.address.consume(address)).then((r) => [r, LOGIN_FAILURES_PER_ADDRESS] as const) : null,
  ]);
  let ms = 0;
  for (const c of counted) {
    if (c && c[0].consumedPoints >= c[1]) ms = Math.max(ms, c[0].msBeforeNext);
  }
  return Math.ceil(ms / 1000);
}

/** consume() rejects with a RateLimiterRes when over the limit (still a count), with an Error on failure. */
async function settle(p: Promise<RateLimiterRes>): Promise<RateLimiterRes> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof RateLimiterRes) return e;
    throw e;
  }
}

/** A successful sign-in clears the account's count (the address keeps its own). */
export async function recordLoginSuccess(db: Db, login: string): Promise<void> {
  await limiters(db).account.delete(accountKey(login));
}

type LogFn = (obj: object, msg: string) => void;
export type SignInLog = { info: LogFn; warn: LogFn };
export type SignInResult =
  | { ok: true; user: PublicUser }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "locked"; retryInSeconds: number };

/**
 * A password sign-in, rate limited per account and per client address. A locked account or
 * address is refused without checking the password (the right one included), and the answer
 * is the same whether the account exists or not. Every outcome is logged with the address.
 */
export async function signInWithPassword(
  db: Db,
  input: { login: string; password: string },
  address: string | null,
  l: SignInLog,
): Promise<SignInResult> {
  const login = input.login.trim();
  const lockedFor = await loginLockedFor(db, login, address);
  if (lockedFor > 0) {
    l.warn({ login, ip: address, retryInSeconds: lockedFor }, "sign-in refused: too many failed attempts");
    return { ok: false, reason: "locked", retryInSeconds: lockedFor };
  }
  const user = await authenticate(db, login, input.password);
  if (!user) {
    const lockout = await recordLoginFailure(db, login, address);
    l.info({ login, ip: address, ...(lockout ? { lockedForSeconds: lockout } : {}) }, "sign-in refused");
    return lockout
      ? { ok: false, reason: "locked", retryInSeconds: lockout }
      : { ok: false, reason: "invalid" };
  }
  await recordLoginSuccess(db, login);
  l.info({ userId: user.id, ip: address }, "signed in");
  return { ok: true, user };
}
