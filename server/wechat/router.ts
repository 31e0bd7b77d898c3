import { z } from "zod";
import { protectedProcedure, router } from "../trpc";
import { BIND_CODE_MINUTES, bindingOf, makeBindCode, unbindUser } from "./bind";

/** The signed-in user's own WeChat binding (account page). */
export const wechatRouter = router({
  binding: protectedProcedure.input(z.void()).query(({ ctx }) => bindingOf(ctx.db, ctx.user.id)),
  makeCode: protectedProcedure.input(z.void()).mutation(async ({ ctx }) => ({
    ...(await makeBindCode(ctx.db, { ...ctx.actor, id: ctx.user.id })),
    minutes: BIND_CODE_MINUTES,
  })),
  unbind: protectedProcedure
    .input(z.void())
    .mutation(({ ctx }) => unbindUser(ctx.db, { ...ctx.actor, id: ctx.user.id })),
});
