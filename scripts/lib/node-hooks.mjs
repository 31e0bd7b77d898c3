// Loaded with `node --import` by every Kairos process that runs outside Next.js (launcher, web
// wrapper, worker, CLI, scripts, benches): TypeScript through tsx, and the `server-only`
// marker resolved as on a server (its "react-server" build, a no-op). Inside Next's bundles the
// marker keeps its purpose: a client component importing server code fails the build.
import { register } from "node:module";
import "tsx";

register(
  `data:text/javascript,${encodeURIComponent(`
    export async function resolve(specifier, context, next) {
      if (specifier === "server-only")
        return next(specifier, { ...context, conditions: [...context.conditions, "react-server"] });
      return next(specifier, context);
    }`)}`,
);
