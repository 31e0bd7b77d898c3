import { headers } from "next/headers";
import { cache } from "react";
import { getDb } from "../db/client";
import { env } from "../lib/env";
import { log } from "../lib/log";
import { requestAddress } from "../net/client-address";
import { auth } from "./index";
import { sessionStillValid } from "./sessions";
import { seenSession } from "./user-sessions";
import { getUser, type PublicUser } from "./users";

/** This request's headers; none when called outside one. */
async function requestHeaders(): Promise<Headers | null> {
  try {
    return await headers();
  } catch {
    return null;
  }
}

/**
 * The signed-in user as the database knows them now: role changes, deactivation and password
 * resets take effect on the next request, whatever the session cookie still says.
 * Cached per request, so layout, page and i18n share one query.
 */
export const currentUser = cache(async (): Promise<PublicUser | null> => {
  const session = await auth();
  const id = Number(session?.user?.id);
  if (!Number.isInteger(id) || id <= 0) return null;
  const user = await getUser(getDb(), id);
  if (!user) return null;
  // Signed out, or signed in before the last password change / deactivation: void.
  const valid = await sessionStillValid(getDb(), user, {
    sessionId: session?.sessionId,
    issuedAtMs: session?.issuedAtMs,
  });
  if (valid && session?.sessionId) {
    // The profile page's session list: last activity, and the row of a session signed in
    // before there was one. Awaited, so the list this very request reads has it.
    const h = await requestHeaders();
    await seenSession(
      getDb(),
      {
        id: session.sessionId,
        userId: user.id,
        ip: h ? requestAddress(h) : null,
        userAgent: h?.get("user-agent") ?? null,
        signedInAt: new Date(session.issuedAtMs ?? Date.now()),
      },
      env().SESSION_MAX_AGE_HOURS * 3600_000,
    ).catch((err: unknown) => log("auth").warn({ err }, "could not record a session's activity"));
  }
  return valid ? user : null;
});
