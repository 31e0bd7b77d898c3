import "server-only";
import { createElement } from "react";
import { AlertMail, type AlertMailProps, alertMailSubject } from "../../emails/alert";
import type { DbOrTx } from "../db/client";
import { publicUrl } from "../lib/app-info";
import { formatMailTime } from "../lib/local-time";
import { sendMail } from "../mail/outbox";
import { renderEmail } from "../mail/render";
import { runErrorText } from "../runs/error-text";
import type { Route, Subject, SubjectInfo } from "./subjects";
import { durationWords } from "./words";

export type NoticeKind = "failing" | "reminder" | "recovered";

/** One change (or reminder) of a subject's state, the same for every channel. */
export type Notice = {
  kind: NoticeKind;
  subject: Subject & SubjectInfo;
  at: Date;
  since: Date;
  failures: number;
  error: string | null;
  /** The failure's own page (a run), when there is one. */
  refUrl: string | null;
  logTail: string;
  /** A recovery: whether any notice of the incident said something (a raise or a reminder). */
  notified?: boolean;
};

/**
 * A way to tell people. `deliver` runs inside the transaction that changed the state and must
 * only record or queue work there (an outbox row, a graphile-worker job): no network calls, so
 * a notice exists exactly when the change does. Webhooks / WeCom / DingTalk / Feishu are
 * further channels with a task of their own. `false` = it had nothing to say (every alarm of a
 * site suppressed), so the incident is not counted as told.
 */
export type Channel = {
  name: string;
  deliver(tx: DbOrTx, route: Route, notice: Notice): Promise<boolean | undefined>;
};

const emailChannel: Channel = {
  name: "email",
  async deliver(tx, route, n) {
    const props: AlertMailProps = {
      locale: route.locale,
      kind: n.kind,
      name: n.subject.name,
      every: n.subject.remindSeconds > 0 ? durationWords(n.subject.remindSeconds, route.locale) : null,
      at: formatMailTime(n.at, route.timeZone),
      since: formatMailTime(n.since, route.timeZone),
      count: n.failures,
      duration: durationWords((n.at.getTime() - n.since.getTime()) / 1000, route.locale),
      error: runErrorText(n.error, route.locale),
      logTail: n.logTail,
      refUrl: n.refUrl,
      subjectUrl: n.subject.url,
      url: publicUrl(),
    };
    const { html, text } = await renderEmail(createElement(AlertMail, props));
    await sendMail(tx, {
      kind: `alert-${n.kind}`,
      to: route.to,
      subject: alertMailSubject(props),
      html,
      text,
    });
    return true;
  },
};

const CHANNELS = new Map<string, Channel>([[emailChannel.name, emailChannel]]);

export function registerChannel(c: Channel) {
  CHANNELS.set(c.name, c);
}

/** The notice on every route of its subject; whether any of them said something. */
export async function dispatch(tx: DbOrTx, notice: Notice) {
  let said = false;
  for (const route of notice.subject.routes) {
    const c = CHANNELS.get(route.channel);
    if (!c) throw new Error(`no notification channel "${route.channel}"`);
    if ((await c.deliver(tx, route, notice)) !== false) said = true;
  }
  return said;
}
