import { z } from "zod";
import { requirePermission, router } from "../trpc";
import { serverMounts, serverNodesOf, serverSeries, visibleServer, ZSeriesInput } from "./series";
import {
  assignableUsers,
  assignSiteUsers,
  createSite,
  deleteSite,
  getSite,
  listAlarms,
  listBadLines,
  listServers,
  listSiteFiles,
  listSites,
  pullSiteNow,
  rotateIngestToken,
  siteReport,
  updateSite,
  ZAssignInput,
  ZBadLinesInput,
  ZCreateSiteInput,
  ZListAlarmsInput,
  ZListSitesInput,
  ZReportInput,
  ZSiteId,
  ZUpdateSiteInput,
} from "./sites";

const read = requirePermission("sites.read");
const write = requirePermission("sites.write");
const ZServerId = z.object({ id: z.number().int().positive() });

/** Sites & monitoring. Every procedure reads through the caller's site scope. */
export const sitesRouter = router({
  list: read.input(ZListSitesInput).query(({ ctx, input }) => listSites(ctx.db, ctx.user, input)),
  get: read.input(ZSiteId).query(({ ctx, input }) => getSite(ctx.db, ctx.user, input.id)),
  servers: read.input(ZSiteId).query(({ ctx, input }) => listServers(ctx.db, ctx.user, input.id)),
  files: read.input(ZSiteId).query(({ ctx, input }) => listSiteFiles(ctx.db, ctx.user, input.id)),
  badLines: read
    .input(ZBadLinesInput)
    .query(({ ctx, input }) => listBadLines(ctx.db, ctx.user, input, ctx.locale)),
  server: read.input(ZServerId).query(({ ctx, input }) => visibleServer(ctx.db, ctx.user, input.id)),
  nodes: read.input(ZServerId).query(({ ctx, input }) => serverNodesOf(ctx.db, ctx.user, input.id)),
  mounts: read.input(ZServerId).query(({ ctx, input }) => serverMounts(ctx.db, ctx.user, input.id)),
  series: read.input(ZSeriesInput).query(({ ctx, input }) => serverSeries(ctx.db, ctx.user, input)),
  report: read.input(ZReportInput).query(({ ctx, input }) => siteReport(ctx.db, ctx.user, input)),
  alarms: read.input(ZListAlarmsInput).query(({ ctx, input }) => listAlarms(ctx.db, ctx.user, input)),
  create: write.input(ZCreateSiteInput).mutation(({ ctx, input }) => createSite(ctx.db, ctx.actor, input)),
  update: write.input(ZUpdateSiteInput).mutation(({ ctx, input }) => updateSite(ctx.db, ctx.actor, input)),
  /** Who the site form may assign: active users, names only. */
  people: write.input(z.object({}).optional()).query(({ ctx }) => assignableUsers(ctx.db)),
  delete: write.input(ZSiteId).mutation(({ ctx, input }) => deleteSite(ctx.db, ctx.actor, input.id)),
  assign: write
    .input(ZAssignInput)
    .mutation(({ ctx, input }) => assignSiteUsers(ctx.db, ctx.actor, input.id, input.userIds)),
  pullNow: write.input(ZSiteId).mutation(({ ctx, input }) => pullSiteNow(ctx.db, ctx.actor, input.id)),
  rotateToken: write
    .input(ZSiteId)
    .mutation(({ ctx, input }) => rotateIngestToken(ctx.db, ctx.actor, input.id)),
});
