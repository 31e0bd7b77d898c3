/**
 * Issue 12 (seed 001: 加入微信查询): the WeChat Official Account / WeCom callback. The test
 * signs and encrypts its requests itself with node:crypto (not with the code under test):
 * URL verification (plain and WeCom's encrypted echostr), plain and AES messages, binding by
 * "bind <code>", answers within the bound user's sites, and refusals of bad signatures.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { PublicUser } from "../../server/auth/users";
import { getDb } from "../../server/db/client";
import { ingestBytes } from "../../server/sites/ingest";
import { handleWechat } from "../../server/wechat/handle";
import { callerFor, makeUser } from "../helpers/users";

const TOKEN = "kairosToken";
const AES_KEY = randomBytes(32).toString("base64").slice(0, 43);
const APP_ID = "wx1234567890abcdef";
const KEYS = { token: TOKEN, aesKey: AES_KEY, appId: APP_ID };

const sha1 = (...parts: string[]) => createHash("sha1").update(parts.sort().join("")).digest("hex");
const key = Buffer.from(`${AES_KEY}=`, "base64");

function seal(xml: string, appId = APP_ID): string {
  const msg = Buffer.from(xml);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(msg.length);
  const plain = Buffer.concat([randomBytes(16), len, msg, Buffer.from(appId)]);
  const pad = 32 - (plain.length % 32);
  const c = createCipheriv("aes-256-cbc", key, key.subarray(0, 16)).setAutoPadding(false);
  return Buffer.concat([c.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])), c.final()]).toString(
    "base64",
  );
}

function open(b64: string): { xml: string; appId: string } {
  const d = createDecipheriv("aes-256-cbc", key, key.subarray(0, 16)).setAutoPadding(false);
  const padded = Buffer.concat([d.update(Buffer.from(b64, "base64")), d.final()]);
  const plain = padded.subarray(0, padded.length - (padded.at(-1) as number));
  const len = plain.readUInt32BE(16);
  return { xml: plain.subarray(20, 20 + len).toString(), appId: plain.subarray(20 + len).toString() };
}

const field = (xml: string, name: string) =>
  new RegExp(`<${name}>(?:<!\\[CDATA\\[([\\s\\S]*?)\\]\\]>|([^<]*))</${name}>`)
    .exec(xml)
    ?.slice(1)
    .find((v) => v !== undefined);

const textXml = (from: string, content: string) =>
  `<xml><ToUserName><![CDATA[gh_kairos]]></ToUserName><FromUserName><![CDATA[${from}]]></FromUserName><CreateTime>1733000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content><MsgId>1</MsgId></xml>`;

async function call(method: "GET" | "POST", query: Record<string, string>, body?: string) {
  const url = `http://localhost/api/wechat?${new URLSearchParams(query)}`;
  const res = await handleWechat(new Request(url, { method, body }), getDb(), KEYS);
  return { status: res.status, body: await res.text() };
}

/** A plain-mode text message from `from`; the reply's Content. */
async function askPlain(from: string, content: string) {
  const ts = "1733000000";
  const nonce = randomBytes(6).toString("hex");
  const r = await call(
    "POST",
    { signature: sha1(TOKEN, ts, nonce), timestamp: ts, nonce, openid: from },
    textXml(from, content),
  );
  expect(r.status).toBe(200);
  expect(field(r.body, "ToUserName")).toBe(from);
  expect(field(r.body, "MsgType")).toBe("text");
  return field(r.body, "Content") as string;
}

/** An encrypted-mode message; checks the reply's signature and decrypts it. */
async function askEncrypted(from: string, content: string) {
  const ts = String(Math.floor(Date.now() / 1000));
  const nonce = randomBytes(6).toString("hex");
  const encrypt = seal(textXml(from, content));
  const body = `<xml><ToUserName><![CDATA[gh_kairos]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`;
  const r = await call(
    "POST",
    {
      signature: sha1(TOKEN, ts, nonce),
      msg_signature: sha1(TOKEN, ts, nonce, encrypt),
      timestamp: ts,
      nonce,
      encrypt_type: "aes",
      openid: from,
    },
    body,
  );
  expect(r.status).toBe(200);
  const sealed = field(r.body, "Encrypt") as string;
  const [rts, rnonce] = [field(r.body, "TimeStamp") as string, field(r.body, "Nonce") as string];
  expect(field(r.body, "MsgSignature")).toBe(sha1(TOKEN, rts, rnonce, sealed));
  const inner = open(sealed);
  expect(inner.appId).toBe(APP_ID);
  expect(field(inner.xml, "ToUserName")).toBe(from);
  return field(inner.xml, "Content") as string;
}

let userA: PublicUser;
let admin: PublicUser;
let siteA: { id: number; code: string; timezone: string };

beforeAll(async () => {
  admin = await makeUser("admin");
  userA = await makeUser("operator");
  siteA = await callerFor(userA).sites.create({ code: "WXA", name: "深圳局点", timezone: "Asia/Shanghai" });
  await callerFor(admin).sites.create({ code: "WXB", name: "北京局点", timezone: "Asia/Shanghai" });
  const info = [
    "app1|10.0.0.1|WXA|cpu|20|10|5|65|2025-03-02 09:00:00",
    "app1|10.0.0.1|WXA|disk|/|80|100|2025-03-02 09:00:00",
  ];
  await ingestBytes(getDb(), siteA, "info", "system_info_20250302.txt", Buffer.from(info.join("\n")));
  const alarm = "WXA|disk full|app1|/ 99%|2025-03-02 09:00:00||2025-03-02 09:00:00";
  await ingestBytes(getDb(), siteA, "alarm", "system_alarm_20250302.txt", Buffer.from(alarm));
  const service = "WXA|12|3|4567|890|100|20|30|2025-03-02 23:00:00";
  await ingestBytes(getDb(), siteA, "service", "system_service_20250302.txt", Buffer.from(service));
});

describe("WeChat URL verification", () => {
  it("answers echostr to a good signature, refuses a bad one", async () => {
    const q = { timestamp: "1733000000", nonce: "abc123", echostr: "5837397520967138917" };
    const ok = await call("GET", { ...q, signature: sha1(TOKEN, q.timestamp, q.nonce) });
    expect(ok).toEqual({ status: 200, body: q.echostr });
    const bad = await call("GET", { ...q, signature: sha1("wrong", q.timestamp, q.nonce) });
    expect(bad.status).toBe(403);
    expect(bad.body).not.toContain(q.echostr);
  });

  it("WeCom: decrypts the echostr when msg_signature is good", async () => {
    const echostr = seal("1234567890123456789");
    const q = { timestamp: "1733000001", nonce: "n1", echostr };
    const ok = await call("GET", { ...q, msg_signature: sha1(TOKEN, q.timestamp, q.nonce, echostr) });
    expect(ok).toEqual({ status: 200, body: "1234567890123456789" });
    expect((await call("GET", { ...q, msg_signature: sha1(TOKEN, "1", q.nonce, echostr) })).status).toBe(403);
    // Sealed for another app: refused.
    const other = seal("x", "wxOTHER");
    expect(
      (await call("GET", { ...q, echostr: other, msg_signature: sha1(TOKEN, q.timestamp, q.nonce, other) }))
        .status,
    ).toBe(403);
  });
});

describe("WeChat query", () => {
  it("tells an unbound sender how to bind, in plain and encrypted mode", async () => {
    expect(await askPlain("oUnbound1", "WXA")).toContain("绑定");
    expect(await askEncrypted("oUnbound1", "WXA")).toContain("绑定");
  });

  it("refuses a message with a bad signature", async () => {
    const ts = "1733000000";
    const r = await call(
      "POST",
      { signature: sha1(TOKEN, ts, "other"), timestamp: ts, nonce: "n" },
      textXml("oX", "WXA"),
    );
    expect(r.status).toBe(403);
    const encrypt = seal(textXml("oX", "WXA"));
    const body = `<xml><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`;
    const r2 = await call(
      "POST",
      { msg_signature: sha1(TOKEN, ts, "n", "tampered"), timestamp: ts, nonce: "n" },
      body,
    );
    expect(r2.status).toBe(403);
  });

  it("binds with a code from the account page, then answers within the user's sites", async () => {
    const a = callerFor(userA);
    expect(await askPlain("oUserA", "bind WRONGCODE")).toContain("错误或已过期");
    const { code } = await a.wechat.makeCode();
    expect(await askEncrypted("oUserA", `绑定 ${code}`)).toContain(userA.username);
    expect(await a.wechat.binding()).toMatchObject({ isBound: true, hint: "…serA" });
    // The code is spent.
    expect(await askPlain("oIntruder", `bind ${code}`)).toContain("错误或已过期");

    const status = await askPlain("oUserA", "wxa");
    expect(status).toContain("深圳局点 (WXA)");
    expect(status).toContain("未恢复告警：1");
    expect(status).toContain("2025-03-02 09:00");
    expect(status).toContain("4567");
    expect(status).toContain("890");
    expect(status).toContain(`/sites/${siteA.id}`);
    // By name, encrypted.
    expect(await askEncrypted("oUserA", "深圳")).toContain("(WXA)");
    // Site B is not userA's: the same answer as a site that does not exist.
    const other = await askPlain("oUserA", "WXB");
    expect(other).not.toContain("北京");
    expect(other).toContain("WXB");
    expect(await askPlain("oUserA", "北京局点")).not.toContain("WXB ");
    // Help lists only the user's sites.
    const help = await askPlain("oUserA", "帮助");
    expect(help).toContain("WXA");
    expect(help).not.toContain("WXB");
  });

  it("answers in the user's language, and unbinding stops the answers", async () => {
    await callerFor(userA).account.setLocale({ locale: "en" });
    expect(await askPlain("oUserA", "WXA")).toContain("Open alarms: 1");
    await callerFor(userA).wechat.unbind();
    expect(await askPlain("oUserA", "WXA")).toContain("绑定");
    expect(await callerFor(userA).wechat.binding()).toEqual({ isBound: false });
  });

  it("is not found when WeChat is not set up", async () => {
    const res = await handleWechat(new Request("http://localhost/api/wechat?echostr=1"), getDb(), null);
    expect(res.status).toBe(404);
  });
});
