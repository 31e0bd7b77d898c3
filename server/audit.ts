import type { DbOrTx } from "./db/client";
import { auditLog } from "./db/schema";
import type { AuditAction, Role } from "./lib/enums";

/** Who does something: a user (with their role), a token, or the system itself (no role). */
export type Actor = { id: number | null; name: string; ip?: string | null; role?: Role };
export const SYSTEM_ACTOR: Actor = { id: null, name: "system" };

/** One call in every mutating operation: who did what to which entity, before and after. */
export async function audit(
  db: DbOrTx,
  actor: Actor,
  action: AuditAction,
  entityType: string,
  entityId: string | number | null,
  change: { before?: unknown; after?: unknown } = {},
) {
  await db.insert(auditLog).values({
    actorId: actor.id,
    actorName: actor.name,
    action,
    entityType,
    entityId: entityId === null ? null : String(entityId),
    before: change.before ?? null,
    after: change.after ?? null,
    ip: actor.ip ?? null,
  });
}
