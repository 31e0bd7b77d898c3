/**
 * Script versions (issue 11): every upload of a script is kept in the database as a new version
 * of its name; a script job points at one version. Uploading is code execution on the server,
 * so it needs `jobs.host` (admin) at every entry point — checked here, not only in routers.
 */
import "server-only";
import { createHash } from "node:crypto";
import path from "node:path";
import { and, count, desc, eq, ilike, max, sql } from "drizzle-orm";
import { z } from "zod";
import { type Actor, audit } from "../audit";
import { can } from "../auth/permissions";
import type { DbOrTx } from "../db/client";
import { scriptVersions } from "../db/schema";
import { msg } from "../i18n/errors";
import { DomainError, notFound, uniqueViolation } from "../lib/errors";
import { diffLines } from "./line-diff";

/** A script is text; a quarter of a megabyte is far beyond any report script. */
export const SCRIPT_MAX_BYTES = 256 * 1024;

export const INTERPRETERS = ["python", "sh", "node"] as const;
export type Interpreter = (typeof INTERPRETERS)[number];

const BY_EXTENSION: Record<string, Interpreter> = {
  ".py": "python",
  ".sh": "sh",
  ".js": "node",
  ".mjs": "node",
  ".cjs": "node",
};

/** The interpreter an extension implies (`.py` → python…), or null. */
export function interpreterFor(name: string): Interpreter | null {
  return BY_EXTENSION[path.extname(name).toLowerCase()] ?? null;
}

export const ZScriptName = z
  .string()
  .trim()
  .min(1, "required")
  .max(200, "at most 200 characters")
  .refine((n) => !/[/\\\0]/.test(n) && n !== "." && n !== "..", "a file name, without folders");

export const ZUploadScriptInput = z.object({
  name: ZScriptName,
  /** The script's text (JSON, tRPC) — a multipart upload hands its bytes instead. */
  text: z.string().max(SCRIPT_MAX_BYTES * 4),
  interpreter: z.enum(INTERPRETERS, { error: `must be one of ${INTERPRETERS.join(", ")}` }).optional(),
});
export type UploadScriptInput = z.input<typeof ZUploadScriptInput>;

export const ZListScriptsInput = z.object({
  page: z.number().int().min(1).default(1),
  size: z.number().int().min(1).max(200).default(50),
  q: z.string().trim().max(200).optional(),
});

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * The text of an uploaded file, or a field error: over the size cap, not UTF-8, or holding NUL
 * bytes (a compiled or binary file is not a script an interpreter here can run).
 */
export function scriptText(content: string | Uint8Array, field = "text"): string {
  const bytes = typeof content === "string" ? Buffer.from(content, "utf8") : content;
  if (bytes.length > SCRIPT_MAX_BYTES) {
    throw new DomainError(
      "BAD_REQUEST",
      msg("reports.scriptTooLarge", { bytes: String(bytes.length), max: String(SCRIPT_MAX_BYTES) }),
      field,
    );
  }
  if (bytes.length === 0 || (typeof content === "string" && !content.trim())) {
    throw new DomainError("BAD_REQUEST", msg("reports.scriptEmpty"), field);
  }
  if (bytes.includes(0)) {
    throw new DomainError("BAD_REQUEST", msg("reports.scriptBinary"), field);
  }
  let text: string;
  try {
    text = typeof content === "string" ? content : utf8.decode(bytes);
  } catch {
    throw new DomainError("BAD_REQUEST", msg("reports.scriptNotUtf8"), field);
  }
  return text.replace(/^\uFEFF/, "");
}

export function assertCanUpload(actor: Actor) {
  if (actor.role && !can(actor.role, "jobs.host")) {
    throw new DomainError("FORBIDDEN", msg("reports.scriptsAdminsOnly"));
  }
}

const summary = {
  id: scriptVersions.id,
  name: scriptVersions.name,
  version: scriptVersions.version,
  sha256: scriptVersions.sha256,
  size: scriptVersions.size,
  interpreter: scriptVersions.interpreter,
  uploadedBy: scriptVersions.uploadedBy,
  createdAt: scriptVersions.createdAt,
};

/**
 * Keeps an upload as the next version of its name. Uploading the same text as the newest
 * version answers that version (`created: false`) instead of a copy.
 */
export async function uploadScript(
  db: DbOrTx,
  actor: Actor,
  input: { name: string; content: string | Uint8Array; interpreter?: Interpreter },
) {
  assertCanUpload(actor);
  const name = ZScriptName.parse(input.name);
  const text = scriptText(input.content, typeof input.content === "string" ? "text" : "file");
  const interpreter = input.interpreter ?? interpreterFor(name);
  if (!interpreter) {
    throw new DomainError("BAD_REQUEST", msg("reports.nameInterpreter"), "interpreter");
  }
  const bytes = Buffer.from(text, "utf8");
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  for (let attempt = 0; ; attempt++) {
    try {
      return await db.transaction(async (tx) => {
        const [latest] = await tx
          .select(summary)
          .from(scriptVersions)
          .where(eq(scriptVersions.name, name))
          .orderBy(desc(scriptVersions.version))
          .limit(1);
        if (latest && latest.sha256 === sha256 && latest.interpreter === interpreter) {
          return { ...latest, created: false };
        }
        const [row] = await tx
          .insert(scriptVersions)
          .values({
            name,
            version: (latest?.version ?? 0) + 1,
            text,
            sha256,
            size: bytes.length,
            interpreter,
            uploadedBy: actor.id,
          })
          .returning(summary);
        if (!row) throw new Error("script insert returned nothing");
        await audit(tx, actor, "script.upload", "script", row.id, {
          after: { name, version: row.version, sha256, size: row.size, interpreter },
        });
        return { ...row, created: true };
      });
    } catch (e) {
      // Two uploads of one name at once: the loser takes the next number.
      if (attempt < 3 && uniqueViolation(e)) continue;
      throw e;
    }
  }
}

/** Script names with their newest version, newest first. */
export async function listScripts(db: DbOrTx, input: z.input<typeof ZListScriptsInput>) {
  const o = ZListScriptsInput.parse(input);
  const where = o.q ? ilike(scriptVersions.name, `%${o.q}%`) : undefined;
  const newest = db
    .select({ name: scriptVersions.name, version: max(scriptVersions.version).as("newest") })
    .from(scriptVersions)
    .where(where)
    .groupBy(scriptVersions.name)
    .as("newest");
  const [items, [total]] = await Promise.all([
    db
      .select({ ...summary, versions: sql<number>`${newest.version}`.mapWith(Number) })
      .from(scriptVersions)
      .innerJoin(
        newest,
        and(eq(newest.name, scriptVersions.name), eq(newest.version, scriptVersions.version)),
      )
      .orderBy(desc(scriptVersions.createdAt), desc(scriptVersions.id))
      .limit(o.size)
      .offset((o.page - 1) * o.size),
    db
      .select({ n: count(sql`distinct ${scriptVersions.name}`) })
      .from(scriptVersions)
      .where(where),
  ]);
  return { items, total: total?.n ?? 0, page: o.page, size: o.size };
}

/** Every version of one script name, newest first (without the texts). */
export async function listScriptVersions(db: DbOrTx, name: string) {
  return db
    .select(summary)
    .from(scriptVersions)
    .where(eq(scriptVersions.name, name))
    .orderBy(desc(scriptVersions.version));
}

/** One version with its text. */
export async function getScriptVersion(db: DbOrTx, id: number) {
  const [row] = await db.select().from(scriptVersions).where(eq(scriptVersions.id, id)).limit(1);
  if (!row) throw notFound("script version", id);
  return row;
}

export const ZDiffScriptsInput = z.object({
  fromId: z.number().int().positive(),
  toId: z.number().int().positive(),
});

/** Two versions (usually of one script) and the line diff from the first to the second. */
export async function diffScriptVersions(db: DbOrTx, input: z.input<typeof ZDiffScriptsInput>) {
  const o = ZDiffScriptsInput.parse(input);
  const [from, to] = await Promise.all([getScriptVersion(db, o.fromId), getScriptVersion(db, o.toId)]);
  const brief = ({ text: _text, ...v }: typeof from) => v;
  return { from: brief(from), to: brief(to), ...diffLines(from.text, to.text) };
}
