/**
 * The WeChat Official Account / WeCom callback signatures and message encryption
 * (WXBizMsgCrypt, https://developer.work.weixin.qq.com/document/path/90968 and the Official
 * Account's "安全模式" which is the same scheme):
 * - signature = sha1 of the sorted, concatenated [token, timestamp, nonce] (plain mode), with
 *   the Encrypt text as a fourth member for `msg_signature` (encrypted mode);
 * - AES-256-CBC with key = base64(EncodingAESKey + "="), IV = the key's first 16 bytes;
 *   plaintext = 16 random bytes, the message's length (4 bytes, big-endian), the message, the
 *   receiver id (AppID / CorpID); PKCS#7 padding to 32-byte blocks (not AES' 16).
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from "node:crypto";

export type WechatKeys = { token: string; aesKey?: string | null; appId?: string | null };

export function signature(...parts: string[]): string {
  return createHash("sha1")
    .update([...parts].sort().join(""))
    .digest("hex");
}

export function signatureMatches(expected: string, given: string | null | undefined): boolean {
  if (!given || given.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(expected), Buffer.from(given.toLowerCase()));
}

const BLOCK = 32;

function aesKey(encodingAesKey: string): Buffer {
  const key = Buffer.from(`${encodingAesKey}=`, "base64");
  if (encodingAesKey.length !== 43 || key.length !== 32) {
    throw new Error("EncodingAESKey must be 43 characters (32 bytes in base64 without its '=')");
  }
  return key;
}

export function encryptMessage(message: string, encodingAesKey: string, receiverId: string): string {
  const key = aesKey(encodingAesKey);
  const body = Buffer.from(message, "utf8");
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  const plain = Buffer.concat([randomBytes(16), length, body, Buffer.from(receiverId, "utf8")]);
  const pad = BLOCK - (plain.length % BLOCK);
  const padded = Buffer.concat([plain, Buffer.alloc(pad, pad)]);
  const cipher = createCipheriv("aes-256-cbc", key, key.subarray(0, 16)).setAutoPadding(false);
  return Buffer.concat([cipher.update(padded), cipher.final()]).toString("base64");
}

/** The message inside `encrypted`, and the receiver id it was sealed for. Throws on any damage. */
export function decryptMessage(
  encrypted: string,
  encodingAesKey: string,
): { message: string; receiverId: string } {
  const key = aesKey(encodingAesKey);
  const decipher = createDecipheriv("aes-256-cbc", key, key.subarray(0, 16)).setAutoPadding(false);
  const padded = Buffer.concat([decipher.update(Buffer.from(encrypted, "base64")), decipher.final()]);
  const pad = padded[padded.length - 1] ?? 0;
  if (pad < 1 || pad > BLOCK || pad > padded.length) throw new Error("bad padding");
  const plain = padded.subarray(0, padded.length - pad);
  if (plain.length < 20) throw new Error("message too short");
  const length = plain.readUInt32BE(16);
  if (20 + length > plain.length) throw new Error("bad message length");
  return {
    message: plain.subarray(20, 20 + length).toString("utf8"),
    receiverId: plain.subarray(20 + length).toString("utf8"),
  };
}
