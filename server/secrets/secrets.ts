import { asc, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import { type Actor, audit } from "../audit";
import type { DbOrTx } from "../db/client";
import { jobs, secrets } from "../db/schema";
import { msg, zodText } from "../i18n/errors";
import { DomainError, notFound, uniqueViolation } from "../lib/errors";

/**
 * Named secrets: defined once by admins, referenced from job definitions as `{{secret.NAME}}`
 * and substituted only when a run starts (server/runs/engine.ts), never in an answer.
 */
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const REF = /\{\{\s*secret\.([A-Za-z_][A-Za-z0-9_]{0,63})\s*\}\}/g;

export const ZSecretName = z.string().trim().regex(NAME, zodText("secretName"));
export const ZCreateSecretInput = z.object({
  name: ZSecretName,
  value: z.string().min(1, "required").max(16_384, "at most 16384 characters"),
  description: z.string().trim().max(500).default(""),
});
export const ZUpdateSecretInput = z.object({
  id: z.number().int().positive(),
  /** Absent: the value stays as it is (the UI never receives it to send back). */
  value: z.string().min(1, "required").max(16_384, "at most 16384 characters").optional(),
  description: z.string().trim().max(500).optional(),
});
export type CreateSecretInput = z.input<typeof ZCreateSecretInput>;
export type UpdateSecretInput = z.input<typeof ZUpdateSecretInput>;

export type SecretView = { id: number; name: string; description: string; updatedAt: Date; usedBy: string[] };

/** Names referenced anywhere in a value (strings in nested arrays and objects). */
export function secretRefs(value: unknown, into = new Set<string>()): Set<string> {
  if (typeof value === "string") {
    for (const m of value.matchAll(REF)) if (m[1]) into.add(m[1]);
  } else if (Array.isArray(value)) {
    for (const v of value) secretRefs(v, into);
  } else if (value && typeof value === "object") {
    for (const v of Object.values(value)) secretRefs(v, into);
  }
  return into;
}

function substitute(value: unknown, values: Map<string, string>): unknown {
  if (typeof value === "string") return value.replace(REF, (_, name: string) => values.get(name) ?? "");
  if (Array.isArray(value)) return value.map((v) => substitute(v, values));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, values)]));
  }
  return value;
}

/** Jobs' params referencing `name`, by job name (for the list, and to refuse a delete). */
async function jobsUsing(db: DbOrTx, names: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (!names.length) return out;
  const rows = await db
    .select({ name: jobs.name, params: jobs.params })
    .from(jobs)
    .where(sql`${jobs.params}::text like '%{{%secret.%'`);
  for (const r of rows) {
    for (const ref of secretRefs(r.params)) {
      if (names.includes(ref)) out.set(ref, [...(out.get(ref) ?? []), r.name]);
    }
  }
  return out;
}

/** Refuses a definition that references a secret nobody defined (checked at save). */
export async function assertSecretsExist(db: DbOrTx, params: unknown, field: string) {
  const names = [...secretRefs(params)];
  if (!names.length) return;
  const found = await db.select({ name: secrets.name }).from(secrets).where(inArray(secrets.name, names));
  const missing = names.filter((n) => !found.some((f) => f.name === n));
  if (missing.length) {
    throw new DomainError("BAD_REQUEST", msg("secretMissing", { names: missing.join(", ") }), field);
  }
}

/**
 * The params with every `{{secret.NAME}}` replaced by its value, and the values used (for
 * redacting the run's output). An undefined secret fails the run with its name.
 */
export async function resolveSecrets(
  db: DbOrTx,
  params: unknown,
): Promise<{ params: unknown; values: string[] }> {
  const names = [...secretRefs(params)];
  if (!names.length) return { params, values: [] };
  const rows = await db
    .select({ name: secrets.name, value: secrets.value })
    .from(secrets)
    .where(inArray(secrets.name, names));
  const missing = names.filter((n) => !rows.some((r) => r.name === n));
  if (missing.length) throw new Error(`no secret named ${missing.join(", ")} (Admin › Secrets)`);
  const values = new Map(rows.map((r) => [r.name, r.value]));
  return { params: substitute(params, values), values: rows.map((r) => r.value) };
}

export async function listSecrets(db: DbOrTx): Promise<SecretView[]> {
  const rows = await db
    .select({
      id: secrets.id,
      name: secrets.name,
      description: secrets.description,
      updatedAt: secrets.updatedAt,
    })
    .from(secrets)
    .orderBy(asc(secrets.name));
  const used = await jobsUsing(
    db,
    rows.map((r) => r.name),
  );
  return rows.map((r) => ({ ...r, usedBy: used.get(r.name) ?? [] }));
}

function conflict(e: unknown): never {
  if (uniqueViolation(e) === "secrets_name_uq") throw new DomainError("CONFLICT", msg("secretTaken"), "name");
  throw e;
}

export async function createSecret(db: DbOrTx, actor: Actor, input: CreateSecretInput) {
  const v = ZCreateSecretInput.parse(input);
  const [row] = await db
    .insert(secrets)
    .values({ ...v, updatedBy: actor.id })
    .returning({ id: secrets.id, name: secrets.name })
    .catch(conflict);
  if (!row) throw new Error("secret insert returned nothing");
  // The value is never written to the audit log.
  await audit(db, actor, "secret.create", "secret", row.id, {
    after: { name: v.name, description: v.description },
  });
  return row;
}

export async function updateSecret(db: DbOrTx, actor: Actor, input: UpdateSecretInput) {
  const v = ZUpdateSecretInput.parse(input);
  const [row] = await db
    .update(secrets)
    .set({
      ...(v.value !== undefined ? { value: v.value } : {}),
      ...(v.description !== undefined ? { description: v.description } : {}),
      updatedBy: actor.id,
    })
    .where(eq(secrets.id, v.id))
    .returning({ id: secrets.id, name: secrets.name });
  if (!row) throw notFound("secret", v.id);
  await audit(db, actor, "secret.update", "secret", row.id, {
    after: { name: row.name, valueChanged: v.value !== undefined, description: v.description },
  });
  return row;
}

export async function deleteSecret(db: DbOrTx, actor: Actor, id: number) {
  const [row] = await db.select({ name: secrets.name }).from(secrets).where(eq(secrets.id, id));
  if (!row) throw notFound("secret", id);
  const users = (await jobsUsing(db, [row.name])).get(row.name) ?? [];
  if (users.length) {
    throw new DomainError("PRECONDITION_FAILED", msg("secretInUse", { users: users.join(", ") }), "id");
  }
  await db.delete(secrets).where(eq(secrets.id, id));
  await audit(db, actor, "secret.delete", "secret", id, { before: { name: row.name } });
}
