/**
 * tRPC for Kairos, in four parts:
 *   1. context: the database, the user as the database knows them now, the caller's IP;
 *   2. initialisation: superjson, and errors that carry per-field messages for forms;
 *   3. domain errors: a DomainError thrown anywhere becomes the matching tRPC error;
 *   4. procedure builders: public, protected, admin, and requirePermission("jobs.write").
 */
import "server-only";
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import type { Actor } from "./audit";
import { can, type Permission } from "./auth/permissions";
import type { PublicUser } from "./auth/users";
import { type Db, getDb } from "./db/client";
import { badValue, DomainError } from "./lib/errors";
import { type FieldErrors, fieldErrorsFromIssues, unstorableValue } from "./lib/validation";

// 1. Context ---------------------------------------------------------------------------------
export type Context = {
  db: Db;
  user: PublicUser | null;
  ip: string | null;
  /** Re-issues the caller's session cookie (web only), e.g. after they change their password. */
  refreshSession?: () => Promise<void>;
};

export function clientIp(headers: Headers): string | null {
  // Only our own server sets this header (scripts/web.ts drops any client-sent value); a
  // client-supplied X-Real-IP would be forgeable, so nothing else is read.
  return headers.get("x-kairos-client-ip") ?? null;
}

export async function createContext(opts: {
  headers: Headers;
  user: PublicUser | null;
  refreshSession?: () => Promise<void>;
}): Promise<Context> {
  return { db: getDb(), user: opts.user, ip: clientIp(opts.headers), refreshSession: opts.refreshSession };
}

// 2. Initialisation --------------------------------------------------------------------------

function fieldErrorsOf(cause: unknown): FieldErrors | null {
  if (cause instanceof DomainError) return cause.field ? { [cause.field]: [cause.message] } : null;
  const issues = (cause as { issues?: unknown })?.issues;
  return Array.isArray(issues) ? fieldErrorsFromIssues(issues) : null;
}

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    const fieldErrors = error.code === "INTERNAL_SERVER_ERROR" ? null : fieldErrorsOf(error.cause);
    // A bug's message may quote SQL and its parameters (drizzle's "Failed query: …"): never sent.
    const message =
      error.code === "INTERNAL_SERVER_ERROR"
        ? "internal error"
        : error.code === "BAD_REQUEST" && fieldErrors && !(error.cause instanceof DomainError)
          ? Object.entries(fieldErrors)
              .map(([k, v]) => `${k}: ${v.join(", ")}`)
              .join("; ")
          : shape.message;
    return { ...shape, message, data: { ...shape.data, fieldErrors, stack: undefined } };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

// 3. Domain errors ---------------------------------------------------------------------------
const domainErrors = t.middleware(async ({ next, getRawInput }) => {
  // Values no column can hold (NUL in text, 20-digit numbers) are the caller's mistake: say
  // which field, rather than let Postgres fail the statement.
  const bad = unstorableValue(await getRawInput().catch(() => undefined));
  if (bad) {
    const cause = new DomainError("BAD_REQUEST", bad.message, bad.field);
    throw new TRPCError({ code: "BAD_REQUEST", message: `${bad.field}: ${bad.message}`, cause });
  }
  const result = await next();
  if (!result.ok && result.error.cause instanceof DomainError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: cause.code, message: cause.message, cause });
  }
  const refused = result.ok ? undefined : badValue(result.error.cause);
  if (refused) throw new TRPCError({ code: "BAD_REQUEST", message: `invalid value: ${refused}` });
  return result;
});

// 4. Procedure builders ----------------------------------------------------------------------
export const publicProcedure = t.procedure.use(domainErrors);

export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED", message: "sign in first" });
  const actor: Actor = { id: ctx.user.id, name: ctx.user.username, ip: ctx.ip, role: ctx.user.role };
  return next({ ctx: { ...ctx, user: ctx.user, actor } });
});

export function requirePermission(permission: Permission) {
  return protectedProcedure.use(({ ctx, next }) => {
    if (!can(ctx.user.role, permission)) {
      throw new TRPCError({ code: "FORBIDDEN", message: `your role (${ctx.user.role}) may not do this` });
    }
    return next();
  });
}

export const adminProcedure = requirePermission("users.manage");
