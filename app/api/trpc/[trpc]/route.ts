import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { updateSession } from "@/server/auth";
import { currentUser } from "@/server/auth/session";
import { log } from "@/server/lib/log";
import { appRouter } from "@/server/router";
import { createContext } from "@/server/trpc";

const handler = (req: Request) =>
  fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: async () =>
      createContext({
        headers: req.headers,
        user: await currentUser(),
        refreshSession: async () => {
          await updateSession({});
        },
      }),
    onError: ({ path, error }) => {
      if (error.code === "INTERNAL_SERVER_ERROR")
        log("trpc").error({ path, err: error.cause ?? error }, "procedure failed");
    },
  });

export { handler as GET, handler as POST };
