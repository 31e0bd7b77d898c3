/**
 * Push (issue 12): POST /api/v1/sites/{code}/ingest, for sites that cannot serve their files.
 * The body is lines in the daily files' formats, either raw (`?kind=info|alarm|service` or
 * `?file=system_info_20250302.txt`) or as multipart file uploads (the kind from each file's
 * name). Authorised by the site's push token (it can do nothing else), or by an API token
 * whose role may manage sites and whose user manages this one. The same lines pushed twice,
 * or pushed after being pulled, add nothing.
 */
import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Actor } from "../audit";
import { can } from "../auth/permissions";
import type { Db } from "../db/client";
import { sites } from "../db/schema";
import { msg, zodText } from "../i18n/errors";
import { SITE_FILE_KINDS, type SiteFileKind } from "../lib/enums";
import { DomainError, notFound } from "../lib/errors";
import { addCounts, emptyCounts, type IngestCounts, ingestBytes } from "./ingest";
import { kindOfFileName } from "./parse";
import { SITE_TOKEN_PREFIX, siteForIngestToken, visibleSite } from "./sites";

/** Pushed bodies may be whole daily files: far above the API's 1 MiB for definitions. */
export const PUSH_MAX_BYTES = 64 * 1024 * 1024;

export type PushFile = { name: string | null; kind: SiteFileKind | null; bytes: Buffer };

const ZKind = z.enum(SITE_FILE_KINDS, { error: zodText("oneOf", { values: SITE_FILE_KINDS.join(", ") }) });

export type PushCaller =
  | { kind: "site-token"; token: string }
  | { kind: "actor"; actor: Actor & { role: NonNullable<Actor["role"]> } };

export async function authorisePush(db: Db, code: string, caller: PushCaller) {
  if (caller.kind === "site-token") {
    const site = await siteForIngestToken(db, code, caller.token);
    if (!site) throw new DomainError("FORBIDDEN", msg("sites.pushTokenOtherSite", { code }));
    return site;
  }
  if (!can(caller.actor.role, "sites.write")) {
    throw new DomainError("FORBIDDEN", msg("sites.pushRoleMayNot", { role: caller.actor.role }));
  }
  const [found] = await db.select({ id: sites.id }).from(sites).where(eq(sites.code, code));
  // Out of scope and unknown read the same: not found.
  if (!found) throw notFound("site", code);
  return visibleSite(db, caller.actor, found.id);
}

export const isSiteToken = (token: string) => token.startsWith(SITE_TOKEN_PREFIX);

export type PushResult = {
  site: string;
  files: { name: string; kind: SiteFileKind; bytes: number; counts: IngestCounts }[];
  totals: IngestCounts;
};

export async function ingestPush(
  db: Db,
  site: { id: number; code: string; timezone: string },
  files: PushFile[],
): Promise<PushResult> {
  if (!files.length) throw new DomainError("BAD_REQUEST", msg("sites.pushNothing"), "file");
  const out: PushResult["files"] = [];
  let totals = emptyCounts();
  for (const f of files) {
    const kind = f.kind ?? (f.name ? kindOfFileName(f.name) : null);
    if (!kind) {
      throw new DomainError(
        "BAD_REQUEST",
        f.name ? msg("sites.pushWhichFileGot", { name: f.name }) : msg("sites.pushWhichFile"),
        "kind",
      );
    }
    ZKind.parse(kind);
    const name = f.name?.split(/[\\/]/).pop() || `push_${kind}`;
    const r = await ingestBytes(db, site, kind, `push:${name}`, f.bytes);
    out.push({ name, kind, bytes: f.bytes.length, counts: r.counts });
    totals = addCounts(totals, r.counts);
  }
  return { site: site.code, files: out, totals };
}
