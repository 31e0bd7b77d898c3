import "server-only";
import { TRPCError } from "@trpc/server";
import { headers } from "next/headers";
import { forbidden, notFound, redirect } from "next/navigation";
import { cache } from "react";
import { currentUser } from "@/server/auth/session";
import { createCaller } from "@/server/router";
import { createContext } from "@/server/trpc";

/**
 * The tRPC procedures, called in-process by server components and server actions: pages get
 * the same permission checks, validation and errors as the browser's calls, and never reach
 * the database themselves. One context per request (React `cache`).
 */
const requestContext = cache(async () =>
  createContext({ headers: await headers(), user: await currentUser() }),
);

export const api = createCaller(requestContext);

/** For pages: NOT_FOUND (or an id that cannot exist) → the 404 page, FORBIDDEN → 403, UNAUTHORIZED → sign-in. */
export async function forPage<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (e) {
    if (e instanceof TRPCError) {
      if (e.code === "NOT_FOUND" || e.code === "BAD_REQUEST") notFound();
      if (e.code === "FORBIDDEN") forbidden();
      if (e.code === "UNAUTHORIZED") redirect("/login");
    }
    throw e;
  }
}
