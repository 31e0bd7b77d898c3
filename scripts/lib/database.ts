import { ensureAuthSecret } from "../../server/auth/secret";
import { ensureEnvAdmin } from "../../server/auth/users";
import { closeDb, getDb } from "../../server/db/client";
import { type EmbeddedServer, startEmbeddedPostgres } from "../../server/db/embedded";
import { migrateDatabase } from "../../server/db/migrate";
import { env } from "../../server/lib/env";

/**
 * DATABASE_URL when set; otherwise the embedded Postgres in the data folder. Then migrate,
 * make sure a session secret exists, and create the env-configured first admin if asked.
 */
export async function prepareDatabase(): Promise<{
  url: string;
  embedded?: EmbeddedServer;
  authSecret: string;
}> {
  const e = env();
  let embedded: EmbeddedServer | undefined;
  let url = e.DATABASE_URL;
  if (!url) {
    embedded = await startEmbeddedPostgres({ dataDir: e.dataDir, preferredPort: e.KAIROS_EMBEDDED_PG_PORT });
    url = embedded.url;
  }
  process.env.DATABASE_URL = url;
  try {
    await migrateDatabase(url);
    const db = getDb();
    const authSecret = await ensureAuthSecret(db);
    await ensureEnvAdmin(db, e.KAIROS_ADMIN_USER, e.KAIROS_ADMIN_PASSWORD, e.KAIROS_ADMIN_EMAIL);
    await closeDb();
    return { url, embedded, authSecret };
  } catch (err) {
    await closeDb();
    await embedded?.stop();
    throw err;
  }
}
