/** `npm run db:migrate`: bring DATABASE_URL (or the embedded database) to the current schema. */
import { EnvError, env } from "../server/lib/env";
import { prepareDatabase } from "./lib/database";

try {
  env();
} catch (e) {
  console.error(e instanceof EnvError ? e.message : e);
  process.exit(78);
}
const { embedded } = await prepareDatabase();
await embedded?.stop();
console.log("database is current");
