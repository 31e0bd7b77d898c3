import { handleTrpc } from "@/server/api/trpc-http";
import { auth, updateSession } from "@/server/auth";
import { currentUser } from "@/server/auth/session";

const handler = (req: Request) =>
  handleTrpc(req, {
    user: currentUser,
    refreshSession: async () => {
      await updateSession({});
    },
    sessionId: async () => (await auth())?.sessionId,
  });

export { handler as GET, handler as POST };
