import "server-only";
import type { IncomingMessage } from "node:http";
import { normaliseAddress, parseRangeList, type Range, rangeHas, toParsedAddress } from "../lib/cidr";

/** The header scripts/web.ts sets from the socket (any value a client sent is replaced). */
export const CLIENT_IP_HEADER = "x-kairos-client-ip";

/** The peer address of a request, IPv4-mapped IPv6 (::ffff:1.2.3.4) shown as plain IPv4. */
export function peerAddress(req: IncomingMessage): string {
  const raw = req.socket.remoteAddress ?? "";
  return normaliseAddress(raw) ?? raw;
}

/**
 * The client's address. X-Forwarded-For is believed only when the peer is a trusted proxy
 * (TRUSTED_PROXIES), and then only as far as the chain of trusted proxies goes: walking the
 * header from the right, the first address that is not a trusted proxy is the client. A
 * client cannot forge its way past this by sending its own X-Forwarded-For, since the proxy
 * appends the address it saw.
 */
export function resolveClientAddress(
  peer: string,
  forwardedFor: string | string[] | undefined,
  trusted: readonly Range[],
): string {
  const isTrusted = (a: string) => {
    const p = toParsedAddress(a);
    return !!p && trusted.some((r) => rangeHas(r, p));
  };
  if (!trusted.length || !isTrusted(peer) || !forwardedFor) return peer;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(",") : forwardedFor)
    .split(",")
    .map((h) => h.trim())
    .filter(Boolean);
  let client = peer;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = normaliseAddress(hops[i] ?? "");
    // Garbage in the header: stop at the last hop we could read.
    if (!hop) return client;
    client = hop;
    if (!isTrusted(hop)) return hop;
  }
  return client;
}

let trustedCache: { text: string; ranges: Range[] } | undefined;

/** TRUSTED_PROXIES, parsed once (it is validated at start-up by env()). */
export function trustedProxies(text: string | undefined): Range[] {
  if (trustedCache?.text !== (text ?? "")) trustedCache = { text: text ?? "", ranges: parseRangeList(text) };
  return trustedCache.ranges;
}

export function clientAddress(req: IncomingMessage, trustedText?: string): string {
  return resolveClientAddress(peerAddress(req), req.headers["x-forwarded-for"], trustedProxies(trustedText));
}

/**
 * The caller's address inside Next (route handlers, proxy.ts), as scripts/web.ts resolved it.
 * Believed only when that server runs this process: under `next dev` a client could send the
 * header itself, so the address is then unknown.
 */
export function requestAddress(headers: Headers): string | null {
  if (process.env.KAIROS_CLIENT_IP_FROM_SOCKET !== "1") return null;
  const v = headers.get(CLIENT_IP_HEADER);
  return v ? normaliseAddress(v) : null;
}
