import { z } from "zod";
import { ZLocale } from "../auth/schema";
import { isLocale } from "../i18n/locale";
import { requirePermission, router } from "../trpc";
import { getOutbox, listOutbox, outboxCounts, resendMail } from "./outbox";
import { recipientGroups } from "./recipients";
import { ZAddressList, ZListOutboxInput } from "./schema";
import { sendTestMail } from "./test-mail";

const ZId = z.object({ id: z.number().int().positive() });

export const mailRouter = router({
  list: requirePermission("mail.read")
    .input(ZListOutboxInput)
    .query(({ ctx, input }) => listOutbox(ctx.db, input)),
  get: requirePermission("mail.read")
    .input(ZId)
    .query(({ ctx, input }) => getOutbox(ctx.db, input.id)),
  counts: requirePermission("mail.read")
    .input(z.void())
    .query(({ ctx }) => outboxCounts(ctx.db)),
  resend: requirePermission("mail.send")
    .input(ZId)
    .mutation(async ({ ctx, input }) => {
      await resendMail(ctx.db, ctx.actor, input.id);
      return { ok: true };
    }),
  sendTest: requirePermission("mail.send")
    .input(z.object({ to: ZAddressList, locale: ZLocale.optional() }))
    .mutation(async ({ ctx, input }) => {
      const own = isLocale(ctx.user.locale) ? ctx.user.locale : "en";
      if (input.locale) return { id: await sendTestMail(ctx.db, ctx.actor, input.to, input.locale) };
      // Each recipient who is a Kairos user reads it in their own language; others in the sender's.
      const groups = await recipientGroups(ctx.db, input.to, { locale: own, timeZone: "UTC" });
      const ids: number[] = [];
      for (const g of groups) ids.push(await sendTestMail(ctx.db, ctx.actor, g.to, g.locale));
      return { id: ids[0] as number, ids };
    }),
});
