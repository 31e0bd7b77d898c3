import ipaddr from "ipaddr.js";

/**
 * Addresses and ranges (IPv4 and IPv6) as Kairos stores and compares them. A range is kept
 * normalised: its network address and prefix length, e.g. "10.1.2.3/8" → "10.0.0.0/8", a single
 * address "192.168.1.5" → "192.168.1.5/32", IPv4-mapped IPv6 ("::ffff:1.2.3.4") → plain IPv4.
 */
export type Range = { kind: "ipv4" | "ipv6"; bytes: number[]; bits: number; cidr: string };

export class CidrError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CidrError";
  }
}

/** An address as text (no prefix), IPv4-mapped IPv6 shown as IPv4; null if it is not one. */
export function parseAddress(text: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  const s = text
    .trim()
    .replace(/^\[|\]$/g, "")
    .replace(/%.*$/, "");
  if (ipaddr.IPv4.isValidFourPartDecimal(s)) return ipaddr.IPv4.parse(s);
  if (!s.includes(":") || !ipaddr.IPv6.isValid(s)) return null;
  const v6 = ipaddr.IPv6.parse(s);
  return v6.isIPv4MappedAddress() ? v6.toIPv4Address() : v6;
}

export function normaliseAddress(text: string): string | null {
  return parseAddress(text)?.toString() ?? null;
}

/** "1.2.3.4", "10.0.0.0/8", "2001:db8::/32", "::1" → a normalised range; throws CidrError. */
export function parseRange(text: string): Range {
  const raw = text.trim();
  if (!raw) throw new CidrError("empty address");
  const slash = raw.indexOf("/");
  const addrText = slash < 0 ? raw : raw.slice(0, slash);
  const addr = parseAddress(addrText);
  if (!addr) throw new CidrError(`"${raw}" is not an IPv4 or IPv6 address`);
  // An IPv4-mapped IPv6 range (::ffff:10.0.0.0/104) becomes the IPv4 range it means.
  const mapped = addr.kind() === "ipv4" && addrText.includes(":");
  const max = addr.kind() === "ipv4" && !mapped ? 32 : 128;
  let bits = addr.kind() === "ipv4" ? 32 : 128;
  if (slash >= 0) {
    const b = raw.slice(slash + 1);
    if (!/^\d{1,3}$/.test(b) || Number(b) > max)
      throw new CidrError(`"${raw}": the prefix length must be 0–${max}`);
    bits = Number(b);
    if (mapped) {
      if (bits < 96) throw new CidrError(`"${raw}": an IPv4-mapped range needs a prefix of at least 96`);
      bits -= 96;
    }
  }
  const bytes = addr.toByteArray();
  for (let i = 0; i < bytes.length; i++) {
    const keep = Math.max(0, Math.min(8, bits - i * 8));
    bytes[i] = (bytes[i] ?? 0) & ((0xff << (8 - keep)) & 0xff);
  }
  const network = ipaddr.fromByteArray(bytes).toString();
  return { kind: addr.kind(), bytes, bits, cidr: `${network}/${bits}` };
}

/** A single address written as a range: "1.2.3.4/32" → "1.2.3.4"; ranges stay as they are. */
export function displayRange(cidr: string): string {
  const v6 = cidr.includes(":");
  if (!v6 && cidr.endsWith("/32")) return cidr.slice(0, -3);
  if (v6 && cidr.endsWith("/128")) return cidr.slice(0, -4);
  return cidr;
}

/** An address parsed once, to test against many ranges. */
export type ParsedAddress = { kind: "ipv4" | "ipv6"; bytes: number[] };

export function toParsedAddress(address: string): ParsedAddress | null {
  const addr = parseAddress(address);
  return addr ? { kind: addr.kind(), bytes: addr.toByteArray() } : null;
}

export function rangeHas(range: Range, addr: ParsedAddress): boolean {
  if (addr.kind !== range.kind) return false;
  let bits = range.bits;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = (0xff << (8 - Math.min(8, bits))) & 0xff;
    if (((addr.bytes[i] ?? 0) & mask) !== (range.bytes[i] ?? 0)) return false;
  }
  return true;
}

export function rangeContains(range: Range, address: string): boolean {
  const addr = toParsedAddress(address);
  return !!addr && rangeHas(range, addr);
}

/** A comma- (or whitespace-) separated list, as IP_WHITELIST / TRUSTED_PROXIES are written. */
export function parseRangeList(text: string | undefined): Range[] {
  return (text ?? "")
    .split(/[\s,]+/)
    .filter(Boolean)
    .map(parseRange);
}

export function isLoopback(address: string): boolean {
  const a = parseAddress(address);
  return !!a && a.range() === "loopback";
}
