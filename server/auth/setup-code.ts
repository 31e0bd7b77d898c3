import "server-only";
import { randomBytes, timingSafeEqual } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { type Db, getDb } from "../db/client";
import { settings } from "../db/schema";
import { msg } from "../i18n/errors";
import { isLoopback } from "../lib/cidr";
import { DomainError } from "../lib/errors";
import { countUsers, createFirstAdmin, type PublicUser } from "./users";

const KEY = "setup_code";
const ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/**
 * Kairos listens on every interface, and /setup creates the first admin: from another machine
 * it asks for a one-time code that only someone who can read the start-up log knows (as
 * Jenkins does). From the machine itself (loopback) no code is asked.
 */
export function setupNeedsCode(ip: string | null): boolean {
  return !ip || !isLoopback(ip);
}

function newCode(): string {
  const bytes = randomBytes(16);
  const chars = [...bytes].map((b) => ALPHABET[b % ALPHABET.length]).join("");
  return chars.match(/.{4}/g)?.join("-") ?? chars;
}

const normalise = (code: string) => code.toUpperCase().replace(/[^A-Z0-9]/g, "");

/**
 * The setup code while no user exists (made once, kept in the database so every web process
 * accepts the same one); null once Kairos is set up.
 */
export async function ensureSetupCode(db: Db): Promise<string | null> {
  if ((await countUsers(db)) > 0) {
    await db.delete(settings).where(eq(settings.key, KEY));
    return null;
  }
  await db.insert(settings).values({ key: KEY, value: newCode() }).onConflictDoNothing();
  const [row] = await db.select().from(settings).where(eq(settings.key, KEY));
  return typeof row?.value === "string" ? row.value : null;
}

/** At web start: while no admin exists, the setup code goes to the start-up log. */
export async function announceSetupCode(db: Db, l: { warn: (obj: object, msg: string) => void }) {
  const code = await ensureSetupCode(db);
  if (code) {
    l.warn(
      { setupCode: code },
      `No administrator yet. First-run setup code (asked by /setup from any machine but this one): ${code}`,
    );
  }
  return code;
}

async function codeMatches(db: Db, given: string): Promise<boolean> {
  const [row] = await db.select().from(settings).where(eq(settings.key, KEY));
  if (typeof row?.value !== "string" || !given) return false;
  const a = Buffer.from(normalise(row.value));
  const b = Buffer.from(normalise(given));
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The /setup form: the first admin, with the setup code checked for callers not on loopback. */
export async function setupFirstAdmin(
  db: Db,
  input: { username: string; email: string | null; name: string; password: string },
  ip: string | null,
  code: string,
): Promise<PublicUser> {
  if (setupNeedsCode(ip) && !(await codeMatches(db, code))) {
    throw new DomainError("FORBIDDEN", msg("wrongSetupCode"), "code");
  }
  const user = await createFirstAdmin(db, input, ip);
  await db.execute(sql`delete from settings where key = ${KEY}`);
  return user;
}

/** The /setup form's action: setupFirstAdmin on the app's database. */
export const completeSetup = (
  input: Parameters<typeof setupFirstAdmin>[1],
  ip: string | null,
  code: string,
) => setupFirstAdmin(getDb(), input, ip, code);
