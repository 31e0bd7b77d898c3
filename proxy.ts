import { auth } from "@/server/auth";

/**
 * Runs before every page and API request: pages without a session are redirected to /login by
 * Auth.js's `authorized` callback (API routes and public pages pass; they check for themselves).
 */
export const proxy = auth;

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico|icon.svg|robots.txt).*)"],
};
