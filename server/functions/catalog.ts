import { sql } from "drizzle-orm";
import type { DbOrTx } from "../db/client";
import { getSetting, setSetting } from "../settings";

export const FUNCTIONS_CHANNEL = "kairos_functions";
const CATALOG_KEY = "functions_catalog";

export type FunctionCatalog = {
  functions: {
    name: string;
    kind: "builtin" | "user";
    params: string[];
    description: string;
    descriptionZh?: string;
    file?: string;
  }[];
  errors: { file: string; message: string }[];
  loadedAt: string | null;
  workerId: string | null;
};

/**
 * Functions live and run in the workers; the web app shows what the workers last loaded,
 * published here, and never imports user code itself.
 */
export function readFunctionCatalog(db: DbOrTx): Promise<FunctionCatalog> {
  return getSetting<FunctionCatalog>(db, CATALOG_KEY, {
    functions: [],
    errors: [],
    loadedAt: null,
    workerId: null,
  });
}

export async function publishFunctionCatalog(db: DbOrTx, catalog: FunctionCatalog) {
  await setSetting(db, CATALOG_KEY, catalog);
}

/** Asks every worker to reload its functions folder now (TimerJobs /jobs/functions/reload). */
export async function requestFunctionReload(db: DbOrTx) {
  await db.execute(sql`select pg_notify(${FUNCTIONS_CHANNEL}, '')`);
}
