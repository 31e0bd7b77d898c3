import { type NextFetchEvent, type NextRequest, NextResponse } from "next/server";
import { compatTarget, isHealthPath } from "@/server/api/compat/paths";
import { auth, TOKEN_PATHS } from "@/server/auth";
import { ipGate } from "@/server/ipcontrol/gate";
import { env } from "@/server/lib/env";
import { requestAddress } from "@/server/net/client-address";

// Auth.js's `auth` is also a proxy function: pages without a session are sent to /login by its
// `authorized` callback (API routes and public pages pass; they check for themselves).
const authProxy = auth as unknown as (req: NextRequest, ev: NextFetchEvent) => Promise<Response | undefined>;

function refuse(req: NextRequest, message: string, messageZh: string, isApi: boolean, status = 403) {
  if (isApi) {
    return NextResponse.json({ code: status, msg: message, data: null }, { status });
  }
  const zh = (req.headers.get("accept-language") ?? "").toLowerCase().startsWith("zh");
  const html = `<!doctype html><html lang="${zh ? "zh-CN" : "en"}"><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${status}</title><body style="font-family:system-ui,sans-serif;margin:3rem auto;max-width:32rem;padding:0 1rem;color:#111827"><h1 style="font-size:1.25rem">${status}</h1><p>${zh ? messageZh : message}</p><p style="color:#6b7280">${zh ? message : messageZh}</p></body></html>`;
  return new NextResponse(html, { status, headers: { "content-type": "text/html; charset=utf-8" } });
}

/**
 * Every request, in this order:
 *   1. IP control (allow / deny lists), before anything else;
 *   2. TimerJobs API paths (/jobs/add, /health, …) → their route handler under /api/compat;
 *   3. the session check for pages.
 */
export async function proxy(req: NextRequest, ev: NextFetchEvent) {
  const { pathname } = req.nextUrl;
  const prefix = env().TIMERJOBS_API_PREFIX;
  const target = compatTarget(pathname, prefix);
  const gate = await ipGate(requestAddress(req.headers), { isHealth: isHealthPath(pathname, prefix) });
  if (!gate.allowed) {
    const isApi = !!target || pathname.startsWith("/api/") || TOKEN_PATHS.includes(pathname);
    return refuse(req, gate.message, gate.messageZh, isApi, "unavailable" in gate ? 503 : 403);
  }
  if (target) {
    const url = req.nextUrl.clone();
    url.pathname = target;
    return NextResponse.rewrite(url);
  }
  return authProxy(req, ev);
}

export const config = {
  // Static files anyone may fetch (public/): no IP gate, no session.
  matcher: [
    "/((?!_next/static|_next/image|favicon.ico|icon.svg|apple-touch-icon.png|manifest.webmanifest|icons/|robots.txt).*)",
  ],
};
