import "server-only";
import { can, type Permission } from "../auth/permissions";
import { currentUser } from "../auth/session";
import type { PublicUser } from "../auth/users";
import { type Db, getDb } from "../db/client";
import { msg } from "../i18n/errors";
import { DomainError } from "../lib/errors";

const STATUS: Record<DomainError["code"], number> = {
  BAD_REQUEST: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
  FORBIDDEN: 403,
  PRECONDITION_FAILED: 412,
};

/**
 * A route handler for the signed-in browser (downloads, streams): checks the session user and
 * the permission, hands the domain call a database, and turns a DomainError into its status.
 * Pages use the tRPC server caller instead; this is for responses tRPC cannot carry (bytes).
 */
export async function sessionRoute(
  permission: Permission,
  handle: (ctx: { db: Db; user: PublicUser }) => Promise<Response>,
): Promise<Response> {
  const user = await currentUser();
  if (!user) return Response.json({ error: "sign in first" }, { status: 401 });
  if (!can(user.role, permission)) return Response.json({ error: "forbidden" }, { status: 403 });
  try {
    return await handle({ db: getDb(), user });
  } catch (e) {
    if (e instanceof DomainError) return Response.json({ error: e.message }, { status: STATUS[e.code] });
    throw e;
  }
}

/** A positive integer path parameter, or a DomainError naming it. */
export function idParam(value: string, name = "id"): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new DomainError("BAD_REQUEST", msg("positiveInteger", { name }), name);
  return n;
}
