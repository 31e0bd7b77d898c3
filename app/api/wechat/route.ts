import { wechatCallback } from "@/server/wechat/handle";

export const dynamic = "force-dynamic";

/** The WeChat Official Account / WeCom callback (server/wechat/handle.ts): signed, no session. */
export { wechatCallback as GET, wechatCallback as POST };
