/**
 * GET/POST /api/wechat: the callback URL of a WeChat Official Account or a WeCom app.
 * - GET  URL verification. Official Account: `signature` over token, timestamp, nonce; the
 *   answer is `echostr`. WeCom: `msg_signature` also over `echostr`, which is encrypted; the
 *   answer is its plaintext.
 * - POST a message. Plain mode: `signature` as above, the body is the message XML. Encrypted
 *   mode (`encrypt_type=aes` / `msg_signature`, always for WeCom): the body's `<Encrypt>` holds
 *   the message; the answer is encrypted and signed the same way.
 * A text is answered by the WeChat query (query.ts); anything else with a hint.
 */
import { randomBytes } from "node:crypto";
import { type Db, getDb } from "../db/client";
import { translator } from "../i18n/messages";
import { env } from "../lib/env";
import { log } from "../lib/log";
import { decryptMessage, encryptMessage, signature, signatureMatches, type WechatKeys } from "./crypto";
import { answerQuery } from "./query";
import { readXml, writeXml } from "./xml";

const logger = log("wechat");
const MAX_BODY = 64 * 1024;

/** The callback's keys from the environment; null (the endpoint answers 404) when not set up. */
export function wechatConfig(): WechatKeys | null {
  const e = env();
  if (!e.WECHAT_QUERY_TOKEN) return null;
  return {
    token: e.WECHAT_QUERY_TOKEN,
    aesKey: e.WECHAT_QUERY_AES_KEY ?? null,
    appId: e.WECHAT_QUERY_APP_ID ?? null,
  };
}

const text = (body: string, status = 200) =>
  new Response(body, {
    status,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
  });

export async function handleWechat(req: Request, db: Db, keys: WechatKeys | null): Promise<Response> {
  if (!keys) return text("not found", 404);
  const q = new URL(req.url).searchParams;
  const timestamp = q.get("timestamp") ?? "";
  const nonce = q.get("nonce") ?? "";
  try {
    if (req.method === "GET") return verifyUrl(q, keys, timestamp, nonce);
    if (req.method !== "POST") return text("method not allowed", 405);
    if (Number(req.headers.get("content-length") ?? 0) > MAX_BODY) return text("too large", 413);
    const raw = await req.text();
    if (raw.length > MAX_BODY) return text("too large", 413);
    const envelope = readXml(raw);
    const encrypted = envelope.Encrypt;
    let message: Record<string, string>;
    if (encrypted !== undefined) {
      if (!keys.aesKey) return text("encrypted mode is not set up (WECHAT_QUERY_AES_KEY)", 400);
      const expected = signature(keys.token, timestamp, nonce, encrypted);
      if (!signatureMatches(expected, q.get("msg_signature"))) return text("bad signature", 403);
      const opened = decryptMessage(encrypted, keys.aesKey);
      if (keys.appId && opened.receiverId !== keys.appId) return text("not for this app", 403);
      message = readXml(opened.message);
    } else {
      if (!signatureMatches(signature(keys.token, timestamp, nonce), q.get("signature"))) {
        return text("bad signature", 403);
      }
      message = envelope;
    }
    const reply = await replyTo(db, message);
    if (!reply) return text("success");
    if (encrypted === undefined)
      return new Response(reply, { headers: { "content-type": "application/xml; charset=utf-8" } });
    const sealed = encryptMessage(reply, keys.aesKey as string, keys.appId ?? message.ToUserName ?? "");
    const ts = String(Math.floor(Date.now() / 1000));
    const n = randomBytes(8).toString("hex");
    return new Response(
      writeXml({
        Encrypt: sealed,
        MsgSignature: signature(keys.token, ts, n, sealed),
        TimeStamp: Number(ts),
        Nonce: n,
      }),
      { headers: { "content-type": "application/xml; charset=utf-8" } },
    );
  } catch (e) {
    logger.warn({ err: e }, "wechat callback refused");
    return text("bad request", 400);
  }
}

function verifyUrl(q: URLSearchParams, keys: WechatKeys, timestamp: string, nonce: string) {
  const echo = q.get("echostr") ?? "";
  const msgSignature = q.get("msg_signature");
  if (msgSignature !== null) {
    if (!keys.aesKey) return text("encrypted mode is not set up (WECHAT_QUERY_AES_KEY)", 400);
    if (!signatureMatches(signature(keys.token, timestamp, nonce, echo), msgSignature)) {
      return text("bad signature", 403);
    }
    const opened = decryptMessage(echo, keys.aesKey);
    if (keys.appId && opened.receiverId !== keys.appId) return text("not for this app", 403);
    return text(opened.message);
  }
  if (!signatureMatches(signature(keys.token, timestamp, nonce), q.get("signature"))) {
    return text("bad signature", 403);
  }
  return text(echo);
}

/** The reply XML to a message (a text answer), or null when nothing is to be said. */
async function replyTo(db: Db, m: Record<string, string>): Promise<string | null> {
  const from = m.FromUserName;
  const to = m.ToUserName ?? "";
  if (!from) return null;
  let content: string;
  if (m.MsgType === "text") content = await answerQuery(db, from, m.Content ?? "");
  else if (m.MsgType === "event" && /^(subscribe|enter_agent)$/i.test(m.Event ?? "")) {
    content = await answerQuery(db, from, "help");
  } else if (m.MsgType === "event") return null;
  else content = translator("zh-CN")("wechat.onlyText");
  return writeXml({
    ToUserName: from,
    FromUserName: to,
    CreateTime: Math.floor(Date.now() / 1000),
    MsgType: "text",
    Content: content,
  });
}

/** The callback as the route serves it: this installation's database and keys. */
export function wechatCallback(req: Request): Promise<Response> {
  return handleWechat(req, getDb(), wechatConfig());
}
