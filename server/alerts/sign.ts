import "server-only";
import { createHmac } from "node:crypto";
import type { WebhookKind } from "../lib/enums";

/** What a notice says, in the webhook's language, before it is shaped for one robot. */
export type WebhookMessage = {
  kind: "failing" | "reminder" | "recovered";
  subject: { kind: string; id: number; name: string; url: string };
  title: string;
  lines: string[];
  at: string;
  since: string;
};

export type WebhookRequest = { url: string; headers: Record<string, string>; body: string };

/**
 * DingTalk custom robot "加签": sign = urlencode(base64(HmacSHA256(key = secret,
 * data = timestamp + "\n" + secret))), timestamp in milliseconds, both added to the URL
 * (https://open.dingtalk.com/document/robots/customize-robot-security-settings).
 */
export function dingtalkSign(secret: string, timestampMs: number): string {
  return createHmac("sha256", secret).update(`${timestampMs}\n${secret}`).digest("base64");
}

/**
 * Feishu / Lark custom bot signature: base64(HmacSHA256(key = timestamp + "\n" + secret,
 * data = "")), timestamp in seconds, both in the JSON body
 * (https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot, "签名校验").
 */
export function feishuSign(secret: string, timestampS: number): string {
  return createHmac("sha256", `${timestampS}\n${secret}`).update("").digest("base64");
}

/** Generic JSON: `X-Kairos-Signature: sha256=<hex HMAC of "<timestamp>.<body>">` when a secret is set. */
export function jsonSign(secret: string, timestampS: number, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestampS}.${body}`).digest("hex")}`;
}

const markdown = (m: WebhookMessage) =>
  [`### ${m.title}`, "", ...m.lines.map((l) => `- ${l}`), "", `[${m.subject.name}](${m.subject.url})`].join(
    "\n",
  );
const plain = (m: WebhookMessage) => [m.title, ...m.lines, m.subject.url].join("\n");

/** The HTTP request one channel kind expects, signed at send time (robots reject old stamps). */
export function buildRequest(
  hook: { kind: WebhookKind; url: string; secret: string | null },
  m: WebhookMessage,
  now = new Date(),
): WebhookRequest {
  const json = { "content-type": "application/json" };
  switch (hook.kind) {
    case "wecom":
      // WeCom group robots have no signing: the key in the URL is the credential.
      return {
        url: hook.url,
        headers: json,
        body: JSON.stringify({ msgtype: "markdown", markdown: { content: markdown(m) } }),
      };
    case "dingtalk": {
      const url = new URL(hook.url);
      if (hook.secret) {
        const ts = now.getTime();
        url.searchParams.set("timestamp", String(ts));
        url.searchParams.set("sign", dingtalkSign(hook.secret, ts));
      }
      return {
        url: url.toString(),
        headers: json,
        body: JSON.stringify({ msgtype: "markdown", markdown: { title: m.title, text: markdown(m) } }),
      };
    }
    case "feishu": {
      const ts = Math.floor(now.getTime() / 1000);
      const signed = hook.secret ? { timestamp: String(ts), sign: feishuSign(hook.secret, ts) } : {};
      return {
        url: hook.url,
        headers: json,
        body: JSON.stringify({ ...signed, msg_type: "text", content: { text: plain(m) } }),
      };
    }
    case "json": {
      const ts = Math.floor(now.getTime() / 1000);
      const body = JSON.stringify({ source: "kairos", ...m, text: plain(m) });
      const headers: Record<string, string> = { ...json };
      if (hook.secret) {
        headers["x-kairos-timestamp"] = String(ts);
        headers["x-kairos-signature"] = jsonSign(hook.secret, ts, body);
      }
      return { url: hook.url, headers, body };
    }
  }
}

/**
 * Whether a robot accepted the message: WeCom and DingTalk answer `errcode: 0`, Feishu `code: 0`
 * (older bots `StatusCode: 0`), all with HTTP 200 even when they refuse.
 */
export function robotError(kind: WebhookKind, body: string): string | null {
  if (kind === "json") return null;
  let r: Record<string, unknown>;
  try {
    r = JSON.parse(body) as Record<string, unknown>;
  } catch {
    return `not JSON: ${body.slice(0, 200)}`;
  }
  const code = kind === "feishu" ? (r.code ?? r.StatusCode) : r.errcode;
  if (code === 0 || code === undefined) return null;
  return `${String(code)} ${String(r.errmsg ?? r.msg ?? r.StatusMessage ?? "")}`.trim();
}
