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
import { hasMsg, LocalizedError, localizedMessage, msg, renderMsg } from "./i18n/errors";
import { isLocale, LOCALE_COOKIE, type Locale, negotiateLocale } from "./i18n/locale";
import { badValue, DomainError } from "./lib/errors";
import { type FieldErrors, fieldErrorsFromIssues, unstorableValue } from "./lib/validation";

// 1. Context ---------------------------------------------------------------------------------
export type Context = {
  db: Db;
  user: PublicUser | null;
  ip: string | null;
  /** The language errors are written in for this caller (absent: English). */
  locale?: Locale;
  /** Re-issues the caller's session cookie (web only), e.g. after they change their password. */
  refreshSession?: () => Promise<void>;
  /** The caller's browser session id (web only), so the profile page can mark "this session". */
  sessionId?: string;
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
  sessionId?: string;
}): Promise<Context> {
  return {
    db: getDb(),
    user: opts.user,
    ip: clientIp(opts.headers),
    locale: requestLocale(opts.headers, opts.user),
    refreshSession: opts.refreshSession,
    sessionId: opts.sessionId,
  };
}

/** As pages choose (server/i18n/request.ts): the user's setting, the cookie, Accept-Language. */
function requestLocale(headers: Headers, user: PublicUser | null): Locale {
  if (isLocale(user?.locale)) return user.locale;
  const cookie = (headers.get("cookie") ?? "")
    .split(";")
    .map((c) => c.trim().split("="))
    .find(([k]) => k === LOCALE_COOKIE)?.[1];
  if (isLocale(cookie)) return cookie;
  return negotiateLocale(headers.get("accept-language"));
}

// 2. Initialisation --------------------------------------------------------------------------

function fieldErrorsOf(cause: unknown, locale: Locale): FieldErrors | null {
  if (cause instanceof DomainError) {
    return cause.field ? { [cause.field]: [localizedMessage(cause, locale)] } : null;
  }
  const issues = (cause as { issues?: unknown })?.issues;
  return Array.isArray(issues) ? fieldErrorsFromIssues(issues, locale) : null;
}

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  errorFormatter({ shape, error, ctx }) {
    // Written in the caller's language: domain errors and zod issues carry catalog keys.
    const locale = ctx?.locale ?? "en";
    const fieldErrors = error.code === "INTERNAL_SERVER_ERROR" ? null : fieldErrorsOf(error.cause, locale);
    // A bug's message may quote SQL and its parameters (drizzle's "Failed query: …"): never sent.
    const message =
      error.code === "INTERNAL_SERVER_ERROR"
        ? renderMsg(msg("internal"), locale)
        : // A bad input names its field, as zod's do ("id: is too large").
          error.code === "BAD_REQUEST" &&
            fieldErrors &&
            (!(error.cause instanceof DomainError) || error.cause.field !== undefined)
          ? Object.entries(fieldErrors)
              .map(([k, v]) => `${k}: ${v.join(", ")}`)
              .join("; ")
          : hasMsg(error.cause)
            ? localizedMessage(error.cause, locale)
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
    const cause = new DomainError("BAD_REQUEST", msg(bad.key), bad.field);
    throw new TRPCError({ code: "BAD_REQUEST", message: `${bad.field}: ${bad.message}`, cause });
  }
  const result = await next();
  if (!result.ok && result.error.cause instanceof DomainError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: cause.code, message: cause.message, cause });
  }
  const refused = result.ok ? undefined : badValue(result.error.cause);
  if (refused) {
    const cause = new LocalizedError(msg("invalidValue", { detail: refused }));
    throw new TRPCError({ code: "BAD_REQUEST", message: cause.message, cause });
  }
  return result;
});

// 4. Procedure builders ----------------------------------------------------------------------
export const publicProcedure = t.procedure.use(domainErrors);

export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.user) {
    const cause = new LocalizedError(msg("signInFirst"));
    throw new TRPCError({ code: "UNAUTHORIZED", message: cause.message, cause });
  }
  const actor: Actor = { id: ctx.user.id, name: ctx.user.username, ip: ctx.ip, role: ctx.user.role };
  return next({ ctx: { ...ctx, user: ctx.user, actor } });
});

export function requirePermission(permission: Permission) {
  return protectedProcedure.use(({ ctx, next }) => {
    if (!can(ctx.user.role, permission)) {
      const cause = new LocalizedError(msg("roleMayNot", { role: ctx.user.role }));
      throw new TRPCError({ code: "FORBIDDEN", message: cause.message, cause });
    }
    return next();
  });
}

export const adminProcedure = requirePermission("users.manage");
