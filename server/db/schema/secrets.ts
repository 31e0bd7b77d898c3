import { pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { users } from "./auth";
import { createdAt, id, ref, updatedAt } from "./columns";

/**
 * Named secrets (issue 7, Medium 9): admins define a value once; jobs reference it as
 * `{{secret.NAME}}` in headers, cookies, body, URL, proxy or env, resolved only when a run
 * starts. The value never leaves the server in an answer; run output has it redacted.
 */
export const secrets = pgTable(
  "secrets",
  {
    id: id(),
    name: text("name").notNull(),
    value: text("value").notNull(),
    description: text("description").notNull().default(""),
    updatedBy: ref("updated_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("secrets_name_uq").on(t.name)],
);
export type SecretRow = typeof secrets.$inferSelect;
