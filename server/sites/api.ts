import { type V1Route, v1Route } from "../api/v1/routes";
import { serverSeries, ZSeriesFields } from "./series";
import {
  getSite,
  listBadLines,
  listServers,
  listSiteFiles,
  listSites,
  pullSiteNow,
  ZBadLinesInput,
  ZListSitesInput,
} from "./sites";

/**
 * /api/v1/sites…: the same reads as the sites tRPC router, through the same scope (a token
 * acts for its user; a service token that is not admin sees no site). The push endpoint
 * (POST /sites/{code}/ingest) is handled before these routes: see server/sites/push.ts.
 */
export const SITE_V1_ROUTES: V1Route[] = [
  v1Route({
    method: "GET",
    path: "/sites",
    tag: "sites",
    summary: "The caller's sites with their health figures",
    summaryZh: "局点列表（含健康指标）",
    permission: "sites.read",
    query: ZListSitesInput,
    numericQuery: ["page", "size"],
    handler: async ({ db, actor, query }) => listSites(db, actor, query),
  }),
  v1Route({
    method: "GET",
    path: "/sites/{id}",
    tag: "sites",
    summary: "One site: figures and the people who manage it",
    summaryZh: "局点详情",
    permission: "sites.read",
    handler: async ({ db, actor, path }) => getSite(db, actor, path.id),
  }),
  v1Route({
    method: "GET",
    path: "/sites/{id}/servers",
    tag: "sites",
    summary: "A site's servers with their latest figures",
    summaryZh: "局点的服务器",
    permission: "sites.read",
    handler: async ({ db, actor, path }) => listServers(db, actor, path.id),
  }),
  v1Route({
    method: "GET",
    path: "/sites/{id}/files",
    tag: "sites",
    summary: "Collection status: each pulled file's offset, lines, bad lines, last pull",
    summaryZh: "采集状态",
    permission: "sites.read",
    handler: async ({ db, actor, path }) => listSiteFiles(db, actor, path.id),
  }),
  v1Route({
    method: "GET",
    path: "/sites/{id}/bad-lines",
    tag: "sites",
    summary: "Lines that could not be read: file, line number, reason, raw text",
    summaryZh: "错误行",
    permission: "sites.read",
    query: ZBadLinesInput.omit({ id: true }),
    numericQuery: ["page", "size"],
    handler: async ({ db, actor, path, query }) => listBadLines(db, actor, { ...query, id: path.id }),
  }),
  v1Route({
    method: "GET",
    path: "/servers/{id}/series",
    tag: "sites",
    summary: "A server's samples downsampled to at most `points` buckets (min/avg/max)",
    summaryZh: "服务器指标曲线（降采样）",
    permission: "sites.read",
    query: ZSeriesFields.omit({ serverId: true }),
    numericQuery: ["points"],
    handler: async ({ db, actor, path, query }) => serverSeries(db, actor, { ...query, serverId: path.id }),
  }),
  v1Route({
    method: "POST",
    path: "/sites/{id}/pull",
    tag: "sites",
    summary: "Pull the site's files now (a run of its pull job)",
    summaryZh: "立即采集",
    permission: "sites.write",
    status: 201,
    handler: async ({ db, actor, path }) => pullSiteNow(db, actor, path.id),
  }),
];
