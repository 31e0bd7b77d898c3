import "server-only";
import { and, asc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { type Actor, audit } from "../audit";
import type { Db, DbOrTx } from "../db/client";
import { webhookRoutes, webhooks } from "../db/schema";
import { isLocale, LOCALES, type Locale } from "../i18n/locale";
import { translator } from "../i18n/messages";
import { displayTimeZone } from "../i18n/zone";
import { NOTIFY_SUBJECT_KINDS, WEBHOOK_KINDS } from "../lib/enums";
import { notFound } from "../lib/errors";
import { formatInstantText } from "../lib/local-time";
import { log } from "../lib/log";
import { type Notice, registerChannel } from "../notify/channels";
import type { Route, Subject } from "../notify/subjects";
import { enqueue } from "../queue/enqueue";
import type { TaskName } from "../queue/tasks";
import { buildRequest, robotError, type WebhookMessage } from "./sign";

export const WEBHOOK_TASK = "webhook_deliver" satisfies TaskName;
export const WEBHOOK_CHANNEL = "webhook";
const ATTEMPTS = 8;

// ---- inputs --------------------------------------------------------------------------------

const ZUrl = z
  .string()
  .trim()
  .max(2000, "at most 2000 characters")
  .refine((u) => URL.canParse(u) && /^https?:$/.test(new URL(u).protocol), "an http(s) URL");

export const ZCreateWebhookInput = z.object({
  name: z.string().trim().min(1, "required").max(200, "at most 200 characters"),
  kind: z.enum(WEBHOOK_KINDS),
  url: ZUrl,
  secret: z.string().trim().max(500, "at most 500 characters").optional(),
  locale: z.enum(LOCALES).default("zh-CN"),
});
export const ZUpdateWebhookInput = ZCreateWebhookInput.partial().extend({
  id: z.number().int().positive(),
  /** Absent: the secret stays (the UI never receives it); "" removes it. */
  secret: z.string().trim().max(500, "at most 500 characters").optional(),
});
export const ZWebhookRoutesInput = z.object({
  subject: z.object({ kind: z.enum(NOTIFY_SUBJECT_KINDS), id: z.number().int().positive() }),
  webhookIds: z.array(z.number().int().positive()).max(50, "at most 50"),
});
export type CreateWebhookInput = z.input<typeof ZCreateWebhookInput>;
export type UpdateWebhookInput = z.input<typeof ZUpdateWebhookInput>;

/** A webhook as answers show it: whether a secret is set, never the secret, and its URL masked. */
export type WebhookView = {
  id: number;
  name: string;
  kind: (typeof WEBHOOK_KINDS)[number];
  url: string;
  hasSecret: boolean;
  locale: Locale;
  updatedAt: Date;
};

/** A robot's URL carries its key (WeCom `key`, DingTalk `access_token`): shown with query values hidden. */
export function maskedUrl(url: string): string {
  if (!URL.canParse(url)) return url;
  const u = new URL(url);
  for (const k of [...u.searchParams.keys()]) u.searchParams.set(k, "•••");
  // A Feishu hook's token is the last path segment.
  const parts = u.pathname.split("/");
  const last = parts.at(-1) ?? "";
  if (last.length > 12) parts[parts.length - 1] = `${last.slice(0, 4)}•••`;
  u.pathname = parts.join("/");
  return decodeURI(u.toString());
}

const view = (w: typeof webhooks.$inferSelect): WebhookView => ({
  id: w.id,
  name: w.name,
  kind: w.kind,
  url: maskedUrl(w.url),
  hasSecret: !!w.secret,
  locale: isLocale(w.locale) ? w.locale : "zh-CN",
  updatedAt: w.updatedAt,
});

// ---- admin ---------------------------------------------------------------------------------

export async function listWebhooks(db: DbOrTx): Promise<WebhookView[]> {
  return (await db.select().from(webhooks).orderBy(asc(webhooks.name), asc(webhooks.id))).map(view);
}

export async function createWebhook(db: Db, actor: Actor, input: CreateWebhookInput) {
  const i = ZCreateWebhookInput.parse(input);
  return db.transaction(async (tx) => {
    const [w] = await tx
      .insert(webhooks)
      .values({ name: i.name, kind: i.kind, url: i.url, secret: i.secret || null, locale: i.locale })
      .returning();
    if (!w) throw new Error("insert returned nothing");
    await audit(tx, actor, "webhooks.create", "webhook", w.id, { after: { ...view(w), url: undefined } });
    return view(w);
  });
}

export async function updateWebhook(db: Db, actor: Actor, input: UpdateWebhookInput) {
  const i = ZUpdateWebhookInput.parse(input);
  return db.transaction(async (tx) => {
    const [old] = await tx.select().from(webhooks).where(eq(webhooks.id, i.id)).for("update");
    if (!old) throw notFound("webhook", i.id);
    const [w] = await tx
      .update(webhooks)
      .set({
        name: i.name ?? old.name,
        kind: i.kind ?? old.kind,
        url: i.url ?? old.url,
        secret: i.secret === undefined ? old.secret : i.secret || null,
        locale: i.locale ?? old.locale,
      })
      .where(eq(webhooks.id, i.id))
      .returning();
    if (!w) throw notFound("webhook", i.id);
    // The URL of a robot carries its key: the log keeps names and kinds only.
    await audit(tx, actor, "webhooks.update", "webhook", w.id, {
      before: { name: old.name, kind: old.kind, hasSecret: !!old.secret },
      after: { name: w.name, kind: w.kind, hasSecret: !!w.secret, secretChanged: i.secret !== undefined },
    });
    return view(w);
  });
}

export async function deleteWebhook(db: Db, actor: Actor, id: number) {
  await db.transaction(async (tx) => {
    const [w] = await tx.delete(webhooks).where(eq(webhooks.id, id)).returning();
    if (!w) throw notFound("webhook", id);
    await audit(tx, actor, "webhooks.delete", "webhook", id, { before: { name: w.name, kind: w.kind } });
  });
}

/** The webhooks a subject notifies (ids), for its edit form. */
export async function subjectWebhookIds(db: DbOrTx, s: Subject): Promise<number[]> {
  const rows = await db
    .select({ id: webhookRoutes.webhookId })
    .from(webhookRoutes)
    .where(and(eq(webhookRoutes.subjectKind, s.kind), eq(webhookRoutes.subjectId, s.id)))
    .orderBy(asc(webhookRoutes.webhookId));
  return rows.map((r) => r.id);
}

/** Replaces the webhooks a subject notifies. The caller has checked the subject is theirs. */
export async function setSubjectWebhooks(db: Db, actor: Actor, s: Subject, ids: number[]) {
  const unique = [...new Set(ids)];
  await db.transaction(async (tx) => {
    if (unique.length) {
      const found = await tx.execute<{ id: number }>(
        sql`select id from webhooks where id = any(${`{${unique.join(",")}}`}::bigint[])`,
      );
      const missing = unique.find((id) => !found.some((f) => Number(f.id) === id));
      if (missing) throw notFound("webhook", missing);
    }
    const before = await subjectWebhookIds(tx, s);
    await tx
      .delete(webhookRoutes)
      .where(and(eq(webhookRoutes.subjectKind, s.kind), eq(webhookRoutes.subjectId, s.id)));
    if (unique.length) {
      await tx
        .insert(webhookRoutes)
        .values(unique.map((webhookId) => ({ subjectKind: s.kind, subjectId: s.id, webhookId })));
    }
    await audit(tx, actor, "webhooks.route", s.kind, s.id, { before, after: unique });
  });
  return unique;
}

// ---- the channel ---------------------------------------------------------------------------

/** The subject's webhooks as routes of the notification layer (one per webhook). */
export async function webhookRoutesOf(db: DbOrTx, s: Subject): Promise<Route[]> {
  const rows = await db.execute<{ id: number; locale: string }>(sql`
    select w.id, w.locale from webhook_routes r join webhooks w on w.id = r.webhook_id
    where r.subject_kind = ${s.kind} and r.subject_id = ${s.id} order by w.id`);
  return rows.map((r) => ({
    channel: WEBHOOK_CHANNEL,
    to: [String(r.id)],
    locale: isLocale(r.locale) ? r.locale : "zh-CN",
    timeZone: displayTimeZone(),
  }));
}

/** What a notice says about its subject, beyond the name: a site lists its alarms. */
export type NoticeDetail = (
  tx: DbOrTx,
  route: Route,
  n: Notice,
) => Promise<{ title: string; lines: string[] } | null>;
const DETAILS = new Map<string, NoticeDetail>();
export function registerNoticeDetail(kind: Subject["kind"], d: NoticeDetail) {
  DETAILS.set(kind, d);
}

/** A job's notice in words: the mail's subject line, and the error when there is one. */
function genericDetail(route: Route, n: Notice) {
  const t = translator(route.locale);
  const since = formatInstantText(n.since, { readerZone: route.timeZone });
  const title = {
    failing: () => t("alerts.mail.failingSubject", { name: n.subject.name, error: n.error ?? "" }),
    reminder: () => t("alerts.mail.reminderSubject", { name: n.subject.name, count: n.failures, since }),
    recovered: () => t("alerts.mail.recoveredSubject", { name: n.subject.name, count: n.failures }),
  }[n.kind]();
  const lines = n.kind !== "recovered" && n.error ? [n.error.slice(0, 500)] : [];
  if (n.refUrl) lines.push(n.refUrl);
  return { title, lines };
}

registerChannel({
  name: WEBHOOK_CHANNEL,
  async deliver(tx, route, n) {
    const id = Number(route.to[0]);
    const detail = DETAILS.get(n.subject.kind);
    const said = detail ? await detail(tx, route, n) : genericDetail(route, n);
    if (!said) return false;
    const message: WebhookMessage = {
      kind: n.kind,
      subject: { kind: n.subject.kind, id: n.subject.id, name: n.subject.name, url: n.subject.url },
      title: said.title,
      lines: said.lines,
      at: n.at.toISOString(),
      since: n.since.toISOString(),
    };
    // Only queued here (inside the state change); the task makes the call and is retried.
    await enqueue(tx, WEBHOOK_TASK, { webhookId: id, message }, { maxAttempts: ATTEMPTS });
    return true;
  },
});

/** The task: sign and POST one message; a refusal throws so graphile-worker retries with backoff. */
export async function deliverWebhook(
  db: DbOrTx,
  webhookId: number,
  message: WebhookMessage,
  now = new Date(),
) {
  const [hook] = await db.select().from(webhooks).where(eq(webhooks.id, webhookId));
  if (!hook) {
    log("webhook").warn({ webhookId }, "webhook gone: message dropped");
    return "gone" as const;
  }
  const req = buildRequest(hook, message, now);
  const res = await fetch(req.url, {
    method: "POST",
    headers: req.headers,
    body: req.body,
    signal: AbortSignal.timeout(15_000),
    redirect: "error",
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`webhook ${hook.name}: HTTP ${res.status} ${text.slice(0, 200)}`);
  const refused = robotError(hook.kind, text);
  if (refused) throw new Error(`webhook ${hook.name} refused the message: ${refused}`);
  log("webhook").info({ webhookId, kind: hook.kind, notice: message.kind }, "webhook delivered");
  return "sent" as const;
}
