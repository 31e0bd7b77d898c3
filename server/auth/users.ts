import { and, count, desc, eq, ilike, or, sql } from "drizzle-orm";
import { type Actor, audit } from "../audit";
import type { Db, DbOrTx } from "../db/client";
import { type User, users } from "../db/schema";
import { msg } from "../i18n/errors";
import { DomainError, notFound, uniqueViolation } from "../lib/errors";
import { log } from "../lib/log";
import { dummyHash, hashPassword, verifyPassword } from "./password";
import type { CreateUserInput, UpdateUserInput } from "./schema";

export type PublicUser = Omit<User, "passwordHash">;

const publicColumns = {
  id: users.id,
  username: users.username,
  email: users.email,
  name: users.name,
  role: users.role,
  locale: users.locale,
  timeZone: users.timeZone,
  isActive: users.isActive,
  lastLoginAt: users.lastLoginAt,
  sessionsValidAfter: users.sessionsValidAfter,
  createdAt: users.createdAt,
  updatedAt: users.updatedAt,
};

// Taken while creating the first admin so two concurrent /setup posts cannot both succeed.
const FIRST_ADMIN_LOCK = 0x6b61697201n;

export async function countUsers(db: DbOrTx): Promise<number> {
  const [row] = await db.select({ n: count() }).from(users);
  return row?.n ?? 0;
}

function conflictField(e: unknown): never {
  const c = uniqueViolation(e);
  if (c === "users_username_uq") throw new DomainError("CONFLICT", msg("usernameTaken"), "username");
  if (c === "users_email_uq") throw new DomainError("CONFLICT", msg("emailTaken"), "email");
  throw e;
}

export async function createUser(db: DbOrTx, actor: Actor, input: CreateUserInput): Promise<PublicUser> {
  const passwordHash = await hashPassword(input.password);
  try {
    const [row] = await db
      .insert(users)
      .values({
        username: input.username,
        email: input.email,
        name: input.name,
        role: input.role,
        passwordHash,
      })
      .returning(publicColumns);
    if (!row) throw new Error("insert returned nothing");
    await audit(db, actor, "user.create", "user", row.id, { after: row });
    return row;
  } catch (e) {
    return conflictField(e);
  }
}

/** The first admin: allowed only while no user exists (the /setup page and the env variables). */
export async function createFirstAdmin(
  db: Db,
  input: { username: string; email: string | null; name: string; password: string },
  ip: string | null = null,
): Promise<PublicUser> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${FIRST_ADMIN_LOCK.toString()}::bigint)`);
    if ((await countUsers(tx)) > 0) {
      throw new DomainError("PRECONDITION_FAILED", msg("alreadySetUp"));
    }
    return createUser(tx, { id: null, name: "setup", ip }, { ...input, role: "admin" });
  });
}

export async function ensureEnvAdmin(db: Db, username?: string, password?: string, email?: string) {
  if (!username || !password) return;
  if ((await countUsers(db)) > 0) return;
  try {
    await createFirstAdmin(db, { username, password, email: email ?? null, name: "" });
    log("auth").info({ username }, "created the first admin from KAIROS_ADMIN_USER");
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
  }
}

/** Username or email + password. Null when unknown, inactive or wrong: the caller must not say which. */
export async function authenticate(db: DbOrTx, login: string, password: string): Promise<PublicUser | null> {
  const needle = login.trim().toLowerCase();
  const [user] = await db
    .select()
    .from(users)
    .where(or(eq(sql`lower(${users.username})`, needle), eq(sql`lower(${users.email})`, needle)))
    .limit(1);
  if (!user) {
    await verifyPassword(await dummyHash(), password);
    return null;
  }
  if (!(await verifyPassword(user.passwordHash, password)) || !user.isActive) return null;
  await db.update(users).set({ lastLoginAt: new Date() }).where(eq(users.id, user.id));
  const { passwordHash: _, ...rest } = user;
  return rest;
}

export async function getUser(db: DbOrTx, id: number): Promise<PublicUser | undefined> {
  const [row] = await db.select(publicColumns).from(users).where(eq(users.id, id)).limit(1);
  return row;
}

export async function listUsers(db: DbOrTx, o: { page: number; size: number; q?: string }) {
  const where = o.q
    ? or(ilike(users.username, `%${o.q}%`), ilike(users.email, `%${o.q}%`), ilike(users.name, `%${o.q}%`))
    : undefined;
  const [items, [total]] = await Promise.all([
    db
      .select(publicColumns)
      .from(users)
      .where(where)
      .orderBy(desc(users.createdAt))
      .limit(o.size)
      .offset((o.page - 1) * o.size),
    db.select({ n: count() }).from(users).where(where),
  ]);
  return { items, total: total?.n ?? 0 };
}

async function activeAdmins(db: DbOrTx): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(users)
    .where(and(eq(users.role, "admin"), eq(users.isActive, true)));
  return row?.n ?? 0;
}

export async function updateUser(db: Db, actor: Actor, input: UpdateUserInput): Promise<PublicUser> {
  return db.transaction(async (tx) => {
    const [before] = await tx.select(publicColumns).from(users).where(eq(users.id, input.id)).for("update");
    if (!before) throw notFound("user", input.id);
    const losesAdmin =
      before.role === "admin" &&
      before.isActive &&
      ((input.role !== undefined && input.role !== "admin") || input.isActive === false);
    if (losesAdmin && (await activeAdmins(tx)) <= 1) {
      throw new DomainError(
        "PRECONDITION_FAILED",
        msg("lastAdmin"),
        input.role !== undefined ? "role" : "isActive",
      );
    }
    const patch: Partial<typeof users.$inferInsert> = {};
    if (input.email !== undefined) patch.email = input.email;
    if (input.name !== undefined) patch.name = input.name;
    if (input.role !== undefined) patch.role = input.role;
    if (input.isActive !== undefined) patch.isActive = input.isActive;
    if (input.password !== undefined) patch.passwordHash = await hashPassword(input.password);
    if (input.password !== undefined || input.isActive === false) patch.sessionsValidAfter = new Date();
    try {
      const [after] = await tx
        .update(users)
        .set(patch)
        .where(eq(users.id, input.id))
        .returning(publicColumns);
      if (!after) throw notFound("user", input.id);
      await audit(tx, actor, input.password ? "user.update+password" : "user.update", "user", input.id, {
        before,
        after,
      });
      return after;
    } catch (e) {
      return conflictField(e);
    }
  });
}

export async function setUserLocale(db: DbOrTx, id: number, locale: string) {
  await db.update(users).set({ locale }).where(eq(users.id, id));
}

export async function setUserTimeZone(db: DbOrTx, id: number, timeZone: string) {
  await db.update(users).set({ timeZone }).where(eq(users.id, id));
}
