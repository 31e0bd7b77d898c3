import { getDb } from "@/server/db/client";
import { handleWechat, wechatConfig } from "@/server/wechat/handle";

export const dynamic = "force-dynamic";

/** The WeChat Official Account / WeCom callback (server/wechat/handle.ts): signed, no session. */
async function handler(req: Request) {
  return handleWechat(req, getDb(), wechatConfig());
}

export { handler as GET, handler as POST };
