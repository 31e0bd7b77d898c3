import { z } from "zod";
import { ZLocale } from "../auth/schema";
import { isLocale } from "../i18n/locale";
import { requirePermission, router } from "../trpc";
import { getOutbox, listOutbox, outboxCounts, resendMail } from "./outbox";
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
      const locale = input.locale ?? (isLocale(ctx.user.locale) ? ctx.user.locale : "en");
      const id = await sendTestMail(ctx.db, ctx.actor, input.to, locale);
      return { id };
    }),
});
