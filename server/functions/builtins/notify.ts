import { z } from "zod";
import { getDb } from "../../db/client";
import { zodText } from "../../i18n/errors";
import { log } from "../../lib/log";
import { sendMail } from "../../mail/outbox";
import { ZAddressList } from "../../mail/schema";
import { RUN_MARKER_HEADER } from "../../net/origin";
import type { ExecContext } from "../../runs/executor";
import { type Builtin, parseArgs, print, rest, untilAborted } from "./common";

const escapeHtml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

const ZEmailArgs = z.object({
  // Several recipients share the first argument, separated by ";" or spaces (commas split args).
  to: z.string({ error: zodText("args.recipientRequired") }).pipe(ZAddressList),
  subject: z
    .string({ error: zodText("args.subjectRequired") })
    .trim()
    .min(1, zodText("args.subjectRequired"))
    .max(998),
  body: z.string(),
});

const email: Builtin = {
  name: "Email",
  params: ["to", "subject", "body"],
  description: 'Sends a mail through the Kairos outbox; several recipients separated by ";" or spaces.',
  descriptionZh: "通过 Kairos 发件箱发送邮件；多个收件人用“;”或空格分隔。",
  async run(args, ctx) {
    const m = parseArgs(ZEmailArgs, { to: args[0], subject: args[1], body: rest(args, 2) });
    ctx.signal.throwIfAborted();
    const html = `<p>${escapeHtml(m.body).replace(/\r?\n/g, "<br>\n")}</p>`;
    const id = await sendMail(getDb(), { kind: "func", to: m.to, subject: m.subject, html, text: m.body });
    print(ctx, `mail #${id} queued in the outbox for ${m.to.join(", ")}`);
    return { ok: true, result: { outboxId: id, to: m.to } };
  },
};

/** Where SMS go. Returns the provider's message id, or null when it has none. */
export type SmsProvider = { name: string; send(phone: string, text: string): Promise<string | null> };

const loggingProvider: SmsProvider = {
  name: "log",
  async send(phone, text) {
    log("functions").info({ phone, text }, "SMS not sent: no SMS provider is configured");
    return null;
  },
};
let smsProvider: SmsProvider = loggingProvider;

/** Installs the SMS gateway (an integration sets this at start-up); null restores the logging default. */
export function setSmsProvider(p: SmsProvider | null) {
  smsProvider = p ?? loggingProvider;
}

const ZSmsArgs = z.object({
  phone: z
    .string({ error: zodText("args.phoneRequired") })
    .transform((v) => v.replace(/[\s\-().]/g, ""))
    .pipe(z.string().regex(/^\+?\d{5,20}$/, zodText("args.phone"))),
  text: z.string().trim().min(1, zodText("args.textRequired")),
});

const sms: Builtin = {
  name: "SMS",
  params: ["phone", "text"],
  description: "Sends a text message through the configured SMS provider (without one, it is only logged).",
  descriptionZh: "通过已配置的短信服务发送短信（未配置时仅记录日志）。",
  async run(args, ctx: ExecContext) {
    const m = parseArgs(ZSmsArgs, { phone: args[0], text: rest(args, 1) });
    const provider = smsProvider;
    const id = await untilAborted(provider.send(m.phone, m.text), ctx.signal);
    if (provider === loggingProvider) {
      print(ctx, `no SMS provider is configured: message to ${m.phone} logged, not sent`);
      print(ctx, m.text);
    } else {
      print(ctx, `SMS sent to ${m.phone} via ${provider.name}${id ? ` (id ${id})` : ""}`);
    }
    return { ok: true, result: { provider: provider.name, phone: m.phone, id } };
  },
};

const BODY_SHOWN = 4096;

const ZWebhookArgs = z.object({
  url: z.url({ protocol: /^https?$/, error: zodText("args.httpUrl") }),
  data: z.string(),
});

function isJson(s: string): boolean {
  if (!s.trim()) return false;
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}

/** The first `limit` bytes of a response body; the rest is not downloaded. */
async function headOfBody(res: Response, limit: number): Promise<{ text: string; more: boolean }> {
  if (!res.body) return { text: "", more: false };
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let more = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (size >= limit) {
      more = true;
      break;
    }
    chunks.push(value);
    size += value.byteLength;
  }
  await reader.cancel().catch(() => {});
  const buf = Buffer.concat(chunks);
  return { text: buf.subarray(0, limit).toString("utf8"), more: more || size > limit };
}

const webhook: Builtin = {
  name: "Webhook",
  params: ["url", "data"],
  description:
    "POSTs data to a URL (as JSON when it parses as JSON, else as text); fails on a non-2xx answer.",
  descriptionZh:
    "向 URL 发送 POST 请求（数据能解析为 JSON 时按 JSON 发送，否则为纯文本）；非 2xx 响应视为失败。",
  async run(args, ctx) {
    const w = parseArgs(ZWebhookArgs, { url: args[0]?.trim(), data: rest(args, 1) });
    const res = await fetch(w.url, {
      method: "POST",
      headers: {
        "content-type": isJson(w.data) ? "application/json" : "text/plain; charset=utf-8",
        "user-agent": "Kairos",
        // A job's request: Kairos' own APIs never treat it as a loopback caller.
        [RUN_MARKER_HEADER]: String(ctx.runId),
      },
      body: w.data,
      signal: ctx.signal,
    });
    const body = await headOfBody(res, BODY_SHOWN);
    print(ctx, `HTTP ${res.status} ${res.statusText}`.trimEnd());
    if (body.text) print(ctx, body.text);
    if (body.more) print(ctx, `[… body truncated after ${BODY_SHOWN} bytes]`);
    const result = { status: res.status };
    if (!res.ok) {
      return {
        ok: false,
        httpStatus: res.status,
        error: `HTTP ${res.status} ${res.statusText}`.trimEnd(),
        result,
      };
    }
    return { ok: true, httpStatus: res.status, result };
  },
};

export const notifyBuiltins: Builtin[] = [email, sms, webhook];
