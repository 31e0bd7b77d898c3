import { z } from "zod";
import { can } from "../auth/permissions";
import { msg } from "../i18n/errors";
import { getJob } from "../jobs/jobs";
import type { Role } from "../lib/enums";
import { DomainError } from "../lib/errors";
import { visibleSite, ZSiteId } from "../sites/sites";
import { adminProcedure, protectedProcedure, requirePermission, router } from "../trpc";
import { createRule, deleteRule, listRules, updateRule, ZCreateRuleInput, ZUpdateRuleInput } from "./rules";
import {
  acknowledgeAlarm,
  alarmFlags,
  createSilence,
  createWindow,
  deleteWindow,
  expireSilence,
  listSuppressions,
  ZCreateSilenceInput,
  ZCreateWindowInput,
  ZSiteFilter,
} from "./suppress";
import {
  createWebhook,
  deleteWebhook,
  listWebhooks,
  setSubjectWebhooks,
  subjectWebhookIds,
  updateWebhook,
  ZCreateWebhookInput,
  ZUpdateWebhookInput,
  ZWebhookRoutesInput,
} from "./webhooks";

function assertCan(role: Role, p: "sites.write" | "jobs.write") {
  if (!can(role, p)) throw new DomainError("FORBIDDEN", msg("roleMayNot", { role }));
}

const ZId = z.object({ id: z.number().int().positive() });
const ZSubject = ZWebhookRoutesInput.shape.subject;
const siteRead = requirePermission("sites.read");
const siteWrite = requirePermission("sites.write");

/** Issue 12: webhook channels, threshold rules, acknowledgements, silences, maintenance windows. */
export const alertingRouter = router({
  webhooks: adminProcedure.input(z.object({})).query(({ ctx }) => listWebhooks(ctx.db)),
  /** Names and kinds only, for choosing a site's or a job's webhooks. */
  webhookChoices: protectedProcedure
    .input(z.object({}))
    .query(async ({ ctx }) => (await listWebhooks(ctx.db)).map(({ id, name, kind }) => ({ id, name, kind }))),
  createWebhook: adminProcedure
    .input(ZCreateWebhookInput)
    .mutation(({ ctx, input }) => createWebhook(ctx.db, ctx.actor, input)),
  updateWebhook: adminProcedure
    .input(ZUpdateWebhookInput)
    .mutation(({ ctx, input }) => updateWebhook(ctx.db, ctx.actor, input)),
  deleteWebhook: adminProcedure
    .input(ZId)
    .mutation(({ ctx, input }) => deleteWebhook(ctx.db, ctx.actor, input.id)),
  routes: protectedProcedure.input(ZSubject).query(async ({ ctx, input }) => {
    if (input.kind === "site") await visibleSite(ctx.db, ctx.user, input.id);
    else await getJob(ctx.db, input.id);
    return subjectWebhookIds(ctx.db, input);
  }),
  setRoutes: protectedProcedure.input(ZWebhookRoutesInput).mutation(async ({ ctx, input }) => {
    const need = input.subject.kind === "site" ? "sites.write" : "jobs.write";
    assertCan(ctx.user.role, need);
    if (input.subject.kind === "site") await visibleSite(ctx.db, ctx.user, input.subject.id);
    else await getJob(ctx.db, input.subject.id);
    return setSubjectWebhooks(ctx.db, ctx.actor, input.subject, input.webhookIds);
  }),
  rules: siteRead.input(ZSiteId).query(({ ctx, input }) => listRules(ctx.db, ctx.user, input.id)),
  createRule: siteWrite
    .input(ZCreateRuleInput)
    .mutation(({ ctx, input }) => createRule(ctx.db, ctx.actor, input)),
  updateRule: siteWrite
    .input(ZUpdateRuleInput)
    .mutation(({ ctx, input }) => updateRule(ctx.db, ctx.actor, input)),
  deleteRule: siteWrite.input(ZId).mutation(({ ctx, input }) => deleteRule(ctx.db, ctx.actor, input.id)),
  ack: siteWrite
    .input(z.object({ alarmId: z.number().int().positive(), on: z.boolean().default(true) }))
    .mutation(({ ctx, input }) => acknowledgeAlarm(ctx.db, ctx.actor, input.alarmId, input.on)),
  alarmFlags: siteRead
    .input(z.object({ ids: z.array(z.number().int().positive()).max(200, "at most 200") }))
    .query(({ ctx, input }) => alarmFlags(ctx.db, ctx.user, input.ids)),
  suppressions: siteRead
    .input(ZSiteFilter)
    .query(({ ctx, input }) => listSuppressions(ctx.db, ctx.user, input.siteId)),
  createSilence: siteWrite
    .input(ZCreateSilenceInput)
    .mutation(({ ctx, input }) => createSilence(ctx.db, ctx.actor, input)),
  expireSilence: siteWrite
    .input(ZId)
    .mutation(({ ctx, input }) => expireSilence(ctx.db, ctx.actor, input.id)),
  createWindow: siteWrite
    .input(ZCreateWindowInput)
    .mutation(({ ctx, input }) => createWindow(ctx.db, ctx.actor, input)),
  deleteWindow: siteWrite.input(ZId).mutation(({ ctx, input }) => deleteWindow(ctx.db, ctx.actor, input.id)),
});
