import { cache } from "react";
import { getDb } from "../db/client";
import { auth } from "./index";
import { sessionStillValid } from "./sessions";
import { touchSession } from "./user-sessions";
import { getUser, type PublicUser } from "./users";

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
    // Last activity for the profile page's session list (at most one write a minute).
    touchSession(getDb(), session.sessionId).catch(() => {});
  }
  return valid ? user : null;
});
