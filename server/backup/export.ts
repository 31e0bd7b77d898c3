/**
 * Export: every definition people made, by natural key, as one JSON document (schema.ts).
 * Password hashes and secret values (named secrets and the secret fields inside job
 * definitions) are left out unless asked for; token hashes and site push-token hashes never go.
 */
import { asc, inArray, or, sql } from "drizzle-orm";
import type { DbOrTx } from "../db/client";
import {
  alertRules,
  apiTokens,
  ipRules,
  jobs,
  notifyState,
  scriptVersions,
  secrets,
  settings,
  sites,
  siteUsers,
  users,
  webhookRoutes,
  webhooks,
} from "../db/schema";
import { isLocale } from "../i18n/locale";
import { jobInputOf } from "../jobs/input";
import { maskParams } from "../jobs/secret-fields";
import { appVersion } from "../lib/app-info";
import { BACKUP_FORMAT, BACKUP_SCHEMA_VERSION, BACKUP_SETTINGS, type Backup, type BackupJob } from "./schema";

export type ExportOptions = {
  /** Include users' password hashes (a restore elsewhere then signs in with the same passwords). */
  withPasswords?: boolean;
  /** Include named secrets' values and the secret fields of job definitions. */
  withSecrets?: boolean;
  /** Said in the file when report files travel beside it (archive.ts). */
  withFiles?: boolean;
};

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** A stored job as the file shows it (also what import compares against). */
export function backupJobOf(
  row: typeof jobs.$inferSelect,
  names: {
    job: Map<number, string>;
    user: Map<number, string>;
    script: Map<number, { name: string; version: number }>;
    site: Map<number, string>;
  },
  withSecrets: boolean,
): BackupJob {
  const input = jobInputOf(row);
  let params = (withSecrets ? input.params : maskParams(row.mode, input.params)) as Record<string, unknown>;
  let script: BackupJob["script"] = null;
  let site: BackupJob["site"] = null;
  if (row.mode === "script" && typeof params.scriptId === "number") {
    const s = names.script.get(params.scriptId);
    if (s) {
      const { scriptId: _id, ...rest } = params;
      params = rest;
      script = s;
    }
  }
  if (row.mode === "site_pull" && typeof params.siteId === "number") {
    const code = names.site.get(params.siteId);
    if (code) {
      const { siteId: _id, ...rest } = params;
      params = rest;
      site = code;
    }
  }
  const chain = (ids: number[]) => ids.flatMap((id) => names.job.get(id) ?? []);
  return {
    ...input,
    params,
    onSuccessStart: chain(row.onSuccessStart),
    onFailureStart: chain(row.onFailureStart),
    owner: row.ownerId === null ? null : (names.user.get(row.ownerId) ?? null),
    script,
    site,
  };
}

export async function exportBackup(db: DbOrTx, o: ExportOptions = {}): Promise<Backup> {
  const [userRows, secretRows, ruleRows, tokenRows, scriptRows, siteRows, siteUserRows, jobRows] =
    await Promise.all([
      db.select().from(users).orderBy(asc(users.id)),
      db.select().from(secrets).orderBy(asc(secrets.name)),
      db.select().from(ipRules).orderBy(asc(ipRules.list), asc(ipRules.cidr)),
      db.select().from(apiTokens).orderBy(asc(apiTokens.id)),
      db.select().from(scriptVersions).orderBy(asc(scriptVersions.name), asc(scriptVersions.version)),
      db.select().from(sites).orderBy(asc(sites.code)),
      db.select().from(siteUsers),
      db.select().from(jobs).orderBy(asc(jobs.id)),
    ]);
  const [settingRows, muteRows, webhookRows, routeRows, alertRuleRows] = await Promise.all([
    db
      .select()
      .from(settings)
      .where(inArray(settings.key, [...BACKUP_SETTINGS])),
    db
      .select()
      .from(notifyState)
      .where(or(sql`${notifyState.mutedUntil} is not null`, sql`${notifyState.mutedUntilRecovered}`)),
    db.select().from(webhooks).orderBy(asc(webhooks.id)),
    db.select().from(webhookRoutes),
    db.select().from(alertRules).orderBy(asc(alertRules.id)),
  ]);
  const names = {
    job: new Map(jobRows.map((j) => [j.id, j.name])),
    user: new Map(userRows.map((u) => [u.id, u.username])),
    script: new Map(scriptRows.map((s) => [s.id, { name: s.name, version: s.version }])),
    site: new Map(siteRows.map((s) => [s.id, s.code])),
  };
  const scripts = new Map<string, Backup["scripts"][number]>();
  for (const s of scriptRows) {
    const entry = scripts.get(s.name) ?? { name: s.name, versions: [] };
    entry.versions.push({
      version: s.version,
      text: s.text,
      interpreter: s.interpreter as "python" | "sh" | "node",
      uploadedBy: s.uploadedBy === null ? null : (names.user.get(s.uploadedBy) ?? null),
      createdAt: iso(s.createdAt),
    });
    scripts.set(s.name, entry);
  }
  return {
    format: BACKUP_FORMAT,
    schemaVersion: BACKUP_SCHEMA_VERSION,
    exportedAt: new Date().toISOString(),
    appVersion: appVersion(),
    with: { passwords: !!o.withPasswords, secrets: !!o.withSecrets, files: !!o.withFiles },
    users: userRows.map((u) => ({
      username: u.username,
      email: u.email,
      name: u.name,
      role: u.role,
      locale: isLocale(u.locale) ? u.locale : null,
      timeZone: u.timeZone,
      isActive: u.isActive,
      ...(o.withPasswords ? { passwordHash: u.passwordHash } : {}),
    })),
    secrets: secretRows.map((s) => ({
      name: s.name,
      description: s.description,
      ...(o.withSecrets ? { value: s.value } : {}),
    })),
    ipRules: ruleRows.map((r) => ({ list: r.list, cidr: r.cidr, note: r.note, source: r.source })),
    tokens: tokenRows.map((t) => ({
      name: t.name,
      kind: t.kind,
      role: t.role,
      user: t.userId === null ? null : (names.user.get(t.userId) ?? null),
      tokenPrefix: t.tokenPrefix,
      expiresAt: iso(t.expiresAt),
      revokedAt: iso(t.revokedAt),
      createdAt: iso(t.createdAt),
    })),
    scripts: [...scripts.values()],
    sites: siteRows.map((s) => ({
      code: s.code,
      name: s.name,
      baseUrl: s.baseUrl,
      timezone: s.timezone,
      pullJob: s.pullJobId === null ? null : (names.job.get(s.pullJobId) ?? null),
      users: siteUserRows
        .filter((su) => su.siteId === s.id)
        .flatMap((su) => names.user.get(su.userId) ?? [])
        .sort(),
    })),
    jobs: jobRows.map((j) => backupJobOf(j, names, !!o.withSecrets)),
    mutes: muteRows.flatMap((m) => {
      const key = m.subjectKind === "job" ? names.job.get(m.subjectId) : names.site.get(m.subjectId);
      return key
        ? [
            {
              subject: m.subjectKind,
              key,
              mutedUntil: iso(m.mutedUntil),
              mutedUntilRecovered: m.mutedUntilRecovered,
            },
          ]
        : [];
    }),
    webhooks: webhookRows.map((w) => ({
      name: w.name,
      kind: w.kind,
      url: w.url,
      locale: w.locale,
      ...(o.withSecrets && w.secret ? { secret: w.secret } : {}),
      routes: routeRows
        .filter((r) => r.webhookId === w.id)
        .flatMap((r) => {
          const key = r.subjectKind === "job" ? names.job.get(r.subjectId) : names.site.get(r.subjectId);
          return key ? [{ subject: r.subjectKind, key }] : [];
        })
        .sort((a, b) => `${a.subject} ${a.key}`.localeCompare(`${b.subject} ${b.key}`)),
    })),
    alertRules: alertRuleRows.flatMap((r) => {
      const site = names.site.get(r.siteId);
      return site
        ? [
            {
              site,
              name: r.name,
              kind: r.kind,
              threshold: r.threshold,
              counter: r.counter,
              forMinutes: r.forMinutes,
              isEnabled: r.isEnabled,
            },
          ]
        : [];
    }),
    settings: Object.fromEntries(settingRows.map((s) => [s.key, s.value])),
  };
}
