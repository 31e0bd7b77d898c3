import NextAuth, { CredentialsSignin, type DefaultSession } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { getDb } from "../db/client";
import type { Role } from "../db/schema";
import { env } from "../lib/env";
import { log } from "../lib/log";
import { requestAddress } from "../net/client-address";
import { signInWithPassword } from "./login-limit";
import { ZLoginInput } from "./schema";
import { newSessionId, revokeSession } from "./sessions";
import { forgetSession, recordSession } from "./user-sessions";

/** Too many failed attempts: the login page says so (without saying whether the account exists). */
export class LoginLocked extends CredentialsSignin {
  code = "locked";
}

declare module "next-auth" {
  interface User {
    role?: Role;
    username?: string;
    /** The new session's id, made at sign-in so its row (address, browser) is written then. */
    sid?: string;
  }
  interface Session {
    user: { id: string; role: Role; username: string } & DefaultSession["user"];
    /** When the session was signed in or last re-issued on purpose (ms), to void it after a password change. */
    issuedAtMs?: number;
    /** Stable across cookie re-issues; signing out revokes it. */
    sessionId?: string;
  }
}

/** Paths anyone may open. Everything else needs a session (API routes answer 401 themselves). */
// /share: a report's share link, for recipients without an account (the token is the check).
export const PUBLIC_PAGES = ["/login", "/setup", "/share"];
/** Outside /api/ but checked by their handler (a token), like the APIs: never sent to /login. */
export const TOKEN_PATHS = ["/metrics"];

export function isPublicPath(pathname: string): boolean {
  return (
    pathname.startsWith("/api/") ||
    TOKEN_PATHS.includes(pathname) ||
    PUBLIC_PAGES.some((p) => pathname === p || pathname.startsWith(`${p}/`))
  );
}

// The config is a function so env() is read per server start, never during `next build`.
export const {
  handlers,
  auth,
  signIn,
  signOut,
  unstable_update: updateSession,
} = NextAuth(() => ({
  trustHost: true,
  session: { strategy: "jwt", maxAge: Math.round(env().SESSION_MAX_AGE_HOURS * 3600) },
  pages: { signIn: "/login" },
  logger: {
    error: (e) => {
      // A refused sign-in is logged by authorize (with the address); class names are minified in builds.
      if (!(e instanceof CredentialsSignin)) log("auth").error({ err: e }, "auth error");
    },
    warn: (code) => log("auth").warn({ code }, "auth warning"),
  },
  providers: [
    Credentials({
      credentials: { login: {}, password: {} },
      authorize: async (raw, request) => {
        const parsed = ZLoginInput.safeParse(raw);
        if (!parsed.success) return null;
        const ip = requestAddress(request.headers);
        const r = await signInWithPassword(getDb(), parsed.data, ip, log("auth"));
        if (!r.ok) {
          if (r.reason === "locked") throw new LoginLocked();
          return null;
        }
        const user = r.user;
        const sid = newSessionId();
        await recordSession(getDb(), {
          id: sid,
          userId: user.id,
          ip,
          userAgent: request.headers.get("user-agent"),
          expiresAt: new Date(Date.now() + env().SESSION_MAX_AGE_HOURS * 3600_000),
        }).catch((err: unknown) => log("auth").warn({ err }, "could not record a session"));
        return {
          sid,
          id: String(user.id),
          name: user.name || user.username,
          email: user.email,
          role: user.role,
          username: user.username,
        };
      },
    }),
  ],
  events: {
    signOut: async (message) => {
      const token = "token" in message ? message.token : null;
      if (typeof token?.sid === "string") {
        const exp = typeof token.exp === "number" ? token.exp * 1000 : Date.now() + 90 * 86400_000;
        await revokeSession(getDb(), token.sid, new Date(exp));
        await forgetSession(getDb(), token.sid);
        log("auth").info({ userId: token.sub }, "signed out (session revoked)");
      }
    },
  },
  callbacks: {
    authorized: ({ auth: session, request }) => isPublicPath(request.nextUrl.pathname) || !!session?.user,
    jwt: ({ token, user, trigger }) => {
      // After a password change the current session is re-issued; older ones stay void.
      if (trigger === "update") token.signedInAtMs = Date.now();
      if (user) {
        // iat is refreshed on every session update; keep the sign-in time separately, in ms
        // (a password change 0.3 s after a sign-in must still void it).
        token.signedInAtMs = Date.now();
        token.sid = user.sid ?? newSessionId();
        token.sub = user.id;
        token.role = user.role;
        token.username = user.username;
      }
      return token;
    },
    session: ({ session, token }) => {
      session.user.id = token.sub ?? "";
      session.user.role = token.role as Role;
      session.user.username = String(token.username ?? "");
      session.issuedAtMs = typeof token.signedInAtMs === "number" ? token.signedInAtMs : undefined;
      session.sessionId = typeof token.sid === "string" ? token.sid : undefined;
      return session;
    },
  },
}));
