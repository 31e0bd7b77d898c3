import { cache } from "react";
import { getDb } from "../db/client";
import { auth } from "./index";
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
  if (!user?.isActive) return null;
  // A session signed in before the last password change / deactivation is void.
  const issuedAt = session?.issuedAt;
  if (!issuedAt || issuedAt * 1000 < user.sessionsValidAfter.getTime() - 1000) return null;
  return user;
});
