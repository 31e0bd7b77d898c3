import { z } from "zod";
import { requirePermission, router } from "../trpc";
import {
  createSecret,
  deleteSecret,
  listSecrets,
  updateSecret,
  ZCreateSecretInput,
  ZUpdateSecretInput,
} from "./secrets";

/** Admin › Secrets. Values go in, never out: the list has names, descriptions and users. */
const admin = requirePermission("jobs.secrets");
export const secretsRouter = router({
  list: admin.input(z.void()).query(({ ctx }) => listSecrets(ctx.db)),
  create: admin
    .input(ZCreateSecretInput)
    .mutation(({ ctx, input }) => createSecret(ctx.db, ctx.actor, input)),
  update: admin
    .input(ZUpdateSecretInput)
    .mutation(({ ctx, input }) => updateSecret(ctx.db, ctx.actor, input)),
  delete: admin.input(z.object({ id: z.number().int().positive() })).mutation(async ({ ctx, input }) => {
    await deleteSecret(ctx.db, ctx.actor, input.id);
    return { ok: true };
  }),
});
