import { z } from "zod";
import { adminProcedure, router } from "../trpc";
import { createToken, listTokens, revokeToken, ZCreateTokenInput, ZListTokensInput } from "./tokens";

/** Admin › Tokens. The plain token is in the create answer only; it is never stored. */
export const tokensRouter = router({
  list: adminProcedure.input(ZListTokensInput).query(({ ctx, input }) => listTokens(ctx.db, input)),
  create: adminProcedure
    .input(ZCreateTokenInput)
    .mutation(({ ctx, input }) => createToken(ctx.db, ctx.actor, input)),
  revoke: adminProcedure
    .input(z.object({ id: z.number().int().positive() }))
    .mutation(({ ctx, input }) => revokeToken(ctx.db, ctx.actor, input.id)),
});
