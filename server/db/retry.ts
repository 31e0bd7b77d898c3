import { retryOnConflict } from "../lib/serialization";
import type { Db, Tx } from "./client";

/** db.transaction(fn), run again (bounded, logged) if Postgres aborts it with 40P01 / 40001. */
export function retryingTransaction<T>(db: Db, what: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return retryOnConflict(what, () => db.transaction(fn));
}
