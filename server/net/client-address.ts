import type { IncomingMessage } from "node:http";

/** The peer address of a request, IPv4-mapped IPv6 (::ffff:1.2.3.4) shown as plain IPv4. */
export function clientAddress(req: IncomingMessage): string {
  const raw = req.socket.remoteAddress ?? "";
  return raw.startsWith("::ffff:") && raw.includes(".") ? raw.slice(7) : raw;
}
