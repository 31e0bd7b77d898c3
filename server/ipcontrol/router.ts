import { z } from "zod";
import { IP_LISTS } from "../lib/enums";
import { adminProcedure, router } from "../trpc";
import { addIpRule, listIpRules, removeIpRule, ZIpRuleInput } from "./rules";

/** Admin › IP control. Saving refuses to lock out the admin's own address unless confirmed. */
export const ipControlRouter = router({
  list: adminProcedure
    .input(z.void())
    .query(async ({ ctx }) => ({ rules: await listIpRules(ctx.db), clientIp: ctx.ip })),
  add: adminProcedure
    .input(ZIpRuleInput)
    .mutation(({ ctx, input }) => addIpRule(ctx.db, ctx.actor, input, { callerIp: ctx.ip, source: "ui" })),
  remove: adminProcedure
    .input(
      z.object({ list: z.enum(IP_LISTS), value: z.string().min(1), confirm: z.boolean().default(false) }),
    )
    .mutation(({ ctx, input }) => removeIpRule(ctx.db, ctx.actor, input, { callerIp: ctx.ip })),
});
