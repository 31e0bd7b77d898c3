import { and, eq } from "drizzle-orm";
import type { DbOrTx } from "../db/client";
import { notifyState, webhookRoutes } from "../db/schema";
import type { NotifySubjectKind } from "../lib/enums";

/**
 * A subject that is deleted (a job, a site) takes its webhook routes and its alert state with it,
 * in the deleting transaction: the tables name subjects of every kind, so no foreign key can.
 */
export async function forgetSubject(tx: DbOrTx, s: { kind: NotifySubjectKind; id: number }) {
  await tx
    .delete(webhookRoutes)
    .where(and(eq(webhookRoutes.subjectKind, s.kind), eq(webhookRoutes.subjectId, s.id)));
  await tx
    .delete(notifyState)
    .where(and(eq(notifyState.subjectKind, s.kind), eq(notifyState.subjectId, s.id)));
}
