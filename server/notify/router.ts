import { z } from "zod";
import { audit } from "../audit";
import { NOTIFY_SUBJECT_KINDS } from "../lib/enums";
import { requirePermission, router } from "../trpc";
import { alertState, muteSubject } from "./state";

const ZSubject = z.object({ kind: z.enum(NOTIFY_SUBJECT_KINDS), id: z.number().int().positive() });

export const ZMuteInput = z.object({
  subject: ZSubject,
  mute: z.union([
    z.object({
      hours: z
        .number()
        .positive()
        .max(24 * 30),
    }),
    z.object({ untilRecovered: z.literal(true) }),
    z.object({ off: z.literal(true) }),
  ]),
});

export const alertsRouter = router({
  state: requirePermission("jobs.read")
    .input(ZSubject)
    .query(({ ctx, input }) => alertState(ctx.db, input)),
  mute: requirePermission("jobs.write")
    .input(ZMuteInput)
    .mutation(async ({ ctx, input }) => {
      await ctx.db.transaction(async (tx) => {
        await muteSubject(tx, input.subject, input.mute);
        await audit(tx, ctx.actor, "alerts.mute", input.subject.kind, input.subject.id, {
          after: input.mute,
        });
      });
      return alertState(ctx.db, input.subject);
    }),
});
