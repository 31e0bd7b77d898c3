import { eq } from "drizzle-orm";
import { z } from "zod";
import { audit } from "../audit";
import { users } from "../db/schema";
import { msg } from "../i18n/errors";
import { DomainError, notFound } from "../lib/errors";
import { adminProcedure, protectedProcedure, publicProcedure, router } from "../trpc";
import { verifyPassword } from "./password";
import { ZCreateUserInput, ZLocale, ZPassword, ZTimeZone, ZUpdateUserInput } from "./schema";
import { listSessions, revokeOwnSession } from "./user-sessions";
import {
  countUsers,
  createUser,
  getUser,
  listUsers,
  setUserLocale,
  setUserTimeZone,
  updateUser,
} from "./users";

export const ZListUsersInput = z.object({
  page: z.number().int().min(1).default(1),
  size: z.number().int().min(1).max(200).default(25),
  q: z.string().trim().max(100).optional(),
});

export const accountRouter = router({
  me: protectedProcedure.input(z.void()).query(({ ctx }) => ctx.user),
  /** Whether Kairos still needs its first administrator (the sign-in and setup pages ask). */
  setupNeeded: publicProcedure.input(z.void()).query(async ({ ctx }) => (await countUsers(ctx.db)) === 0),
  setLocale: protectedProcedure.input(z.object({ locale: ZLocale })).mutation(async ({ ctx, input }) => {
    await setUserLocale(ctx.db, ctx.user.id, input.locale);
    return { locale: input.locale };
  }),
  /**
   * The zone pages and mails show this user's times in. `ifUnset` is the browser reporting its
   * own zone on first sign-in: it never overrides a zone the user chose.
   */
  setTimeZone: protectedProcedure
    .input(z.object({ timeZone: ZTimeZone, ifUnset: z.boolean().default(false) }))
    .mutation(async ({ ctx, input }) => {
      if (input.ifUnset && ctx.user.timeZone) return { timeZone: ctx.user.timeZone };
      await setUserTimeZone(ctx.db, ctx.user.id, input.timeZone);
      return { timeZone: input.timeZone };
    }),
  /** Own display name (the profile page). */
  setName: protectedProcedure
    .input(z.object({ name: z.string().trim().max(100, "must be at most 100 characters") }))
    .mutation(async ({ ctx, input }) => {
      await ctx.db.transaction(async (tx) => {
        const [before] = await tx.select({ name: users.name }).from(users).where(eq(users.id, ctx.user.id));
        await tx.update(users).set({ name: input.name }).where(eq(users.id, ctx.user.id));
        await audit(tx, ctx.actor, "account.update", "user", ctx.user.id, {
          before,
          after: { name: input.name },
        });
      });
      return { name: input.name };
    }),
  sessions: protectedProcedure
    .input(z.void())
    .query(({ ctx }) => listSessions(ctx.db, ctx.user, ctx.sessionId)),
  revokeSession: protectedProcedure
    .input(z.object({ id: z.string().min(1, "required").max(100) }))
    .mutation(async ({ ctx, input }) => {
      await revokeOwnSession(ctx.db, ctx.actor, ctx.user.id, input.id);
      return { id: input.id };
    }),
  changePassword: protectedProcedure
    .input(z.object({ current: z.string().min(1, "required"), password: ZPassword }))
    .mutation(async ({ ctx, input }) => {
      const [row] = await ctx.db
        .select({ hash: users.passwordHash })
        .from(users)
        .where(eq(users.id, ctx.user.id));
      if (!row || !(await verifyPassword(row.hash, input.current))) {
        throw new DomainError("BAD_REQUEST", msg("wrongPassword"), "current");
      }
      await updateUser(ctx.db, ctx.actor, { id: ctx.user.id, email: undefined, password: input.password });
      // Keep this session signed in; every other session of this user is now void.
      await ctx.refreshSession?.();
      return { ok: true };
    }),
});

export const usersRouter = router({
  list: adminProcedure.input(ZListUsersInput).query(({ ctx, input }) => listUsers(ctx.db, input)),
  get: adminProcedure.input(z.object({ id: z.number().int().positive() })).query(async ({ ctx, input }) => {
    const user = await getUser(ctx.db, input.id);
    if (!user) throw notFound("user", input.id);
    return user;
  }),
  create: adminProcedure
    .input(ZCreateUserInput)
    .mutation(({ ctx, input }) => createUser(ctx.db, ctx.actor, input)),
  update: adminProcedure
    .input(ZUpdateUserInput)
    .mutation(({ ctx, input }) => updateUser(ctx.db, ctx.actor, input)),
});
