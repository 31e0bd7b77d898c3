/** Commands that work on the database directly: migrate, create-admin, reload, token, ip. */
import { userInfo } from "node:os";
import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import { type Actor, audit } from "../server/audit";
import { createUser } from "../server/auth/users";
import { migrateDatabase } from "../server/db/migrate";
import { users } from "../server/db/schema";
import { requestFunctionReload } from "../server/functions/catalog";
import { localizedMessage, localizeIssue } from "../server/i18n/errors";
import { addIpRule, applyEnvIpSeeds, listIpRules, removeIpRule } from "../server/ipcontrol/rules";
import { IP_LISTS, type IpList, ROLES, type Role } from "../server/lib/enums";
import { DomainError } from "../server/lib/errors";
import { createToken, findTokenId, listTokens, parseExpiry, revokeToken } from "../server/tokens/tokens";
import { config, databaseUrlForMigrate, withDatabase } from "./local";
import { CliError, cliLocale, EXIT, printJson, table, usage, when } from "./output";

function osUser(): string {
  try {
    return process.env.SUDO_USER ?? userInfo().username;
  } catch {
    return process.env.USER ?? "unknown";
  }
}
export const CLI_ACTOR: Actor = { id: null, name: `cli:${osUser()}` };

/** Domain errors → exit codes (validation 7, not found 4, refused 5). */
export async function domain<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    const locale = cliLocale();
    if (e instanceof DomainError) {
      const code =
        e.code === "NOT_FOUND" ? EXIT.NOT_FOUND : e.code === "FORBIDDEN" ? EXIT.REFUSED : EXIT.INVALID;
      const text = localizedMessage(e, locale);
      // A message that already names its field (a backup's problems) is not prefixed again.
      throw new CliError(e.field && !text.startsWith(`${e.field}`) ? `${e.field}: ${text}` : text, code);
    }
    if (e instanceof z.ZodError) {
      throw new CliError(
        e.issues.map((i) => `${i.path.join(".") || "input"}: ${localizeIssue(i, locale)}`).join("\n"),
        EXIT.INVALID,
      );
    }
    throw e;
  }
}

export async function migrate(o: { json?: boolean }) {
  const { url, stop } = await databaseUrlForMigrate();
  try {
    const r = await migrateDatabase(url);
    if (o.json) printJson(r);
    else
      console.log(r.applied ? `applied ${r.applied} migration(s) in ${r.ms} ms` : "the database is current");
  } finally {
    await stop();
  }
}

async function readStdin(): Promise<string> {
  let data = "";
  for await (const chunk of process.stdin) data += chunk;
  return data.replace(/\r?\n$/, "");
}

export async function createAdmin(o: {
  username?: string;
  email?: string;
  name?: string;
  password?: string;
  passwordStdin?: boolean;
  json?: boolean;
}) {
  if (!o.username) throw usage("create-admin needs --username");
  const password = o.passwordStdin ? await readStdin() : (o.password ?? process.env.KAIROS_ADMIN_PASSWORD);
  if (!password)
    throw usage("give the password with --password-stdin (or --password, or KAIROS_ADMIN_PASSWORD)");
  if (password.length < 8) throw new CliError("password: at least 8 characters", EXIT.INVALID);
  const user = await withDatabase((db) =>
    domain(() =>
      createUser(db, CLI_ACTOR, {
        username: o.username ?? "",
        email: o.email ?? null,
        name: o.name ?? "",
        role: "admin",
        password,
      }),
    ),
  );
  if (o.json) printJson({ id: user.id, username: user.username, role: user.role });
  else console.log(`created admin ${user.username} (id ${user.id})`);
}

/** Same as POST /jobs/reload-config, with this process's environment (e.g. systemd's EnvironmentFile). */
export async function reload(o: { json?: boolean }) {
  const e = config();
  const r = await withDatabase(async (db) => {
    const seeded = await applyEnvIpSeeds(db, e);
    await requestFunctionReload(db);
    await audit(db, CLI_ACTOR, "config.reload", "config", null, { after: seeded });
    return seeded;
  });
  if (o.json) printJson({ ipControl: r, functions: "reload requested" });
  else {
    console.log(
      `IP lists from IP_WHITELIST / IP_BLACKLIST: ${r.added.length} added, ${r.removed.length} removed${
        [...r.added, ...r.removed].length
          ? ` (${[...r.added.map((a) => `+${a}`), ...r.removed.map((a) => `-${a}`)].join(", ")})`
          : ""
      }`,
    );
    console.log("functions: every worker reloads its folder");
  }
}

// --- token -----------------------------------------------------------------------------------

export async function tokenCreate(o: {
  name?: string;
  role?: string;
  expires?: string;
  kind?: string;
  user?: string;
  json?: boolean;
}) {
  if (!o.name) throw usage("token create needs --name");
  if (!o.role || !ROLES.includes(o.role as Role))
    throw usage(`token create needs --role (${ROLES.join(", ")})`);
  const kind = o.kind ?? (o.user ? "personal" : "service");
  if (kind !== "personal" && kind !== "service") throw usage("--kind is personal or service");
  const { token, view } = await withDatabase(async (db) =>
    domain(async () => {
      let userId: number | undefined;
      if (kind === "personal") {
        if (!o.user) throw usage("a personal token needs --user <username>");
        const [u] = await db
          .select({ id: users.id })
          .from(users)
          .where(eq(sql`lower(${users.username})`, o.user.toLowerCase()));
        if (!u) throw new CliError(`no user named ${o.user}`, EXIT.NOT_FOUND);
        userId = u.id;
      }
      return createToken(db, CLI_ACTOR, {
        name: o.name ?? "",
        role: o.role as Role,
        kind,
        userId,
        expiresAt: parseExpiry(o.expires),
      });
    }),
  );
  // Only the token on stdout, so scripts can do TOKEN=$(kairos token create …).
  if (o.json) printJson({ token, ...view });
  else process.stdout.write(`${token}\n`);
}

export async function tokenList(o: { all?: boolean; json?: boolean }) {
  const r = await withDatabase((db) => listTokens(db, { size: 200, includeRevoked: !!o.all }));
  if (o.json) return printJson(r.items);
  if (!r.items.length) return console.log("no tokens");
  console.log(
    table(
      ["ID", "NAME", "KIND", "ROLE", "USER", "TOKEN", "EXPIRES", "LAST USED", "STATUS"],
      r.items.map((t) => [
        t.id,
        t.name,
        t.kind,
        t.role,
        t.username,
        `${t.tokenPrefix}…`,
        t.expiresAt ? when(t.expiresAt) : "never",
        t.lastUsedAt ? `${when(t.lastUsedAt)} ${t.lastUsedIp ?? ""}` : "never",
        t.status,
      ]),
    ),
  );
}

export async function tokenRevoke(idOrName: string | undefined, o: { json?: boolean }) {
  if (!idOrName) throw usage("token revoke needs a token id or name");
  const v = await withDatabase((db) =>
    domain(async () => revokeToken(db, CLI_ACTOR, await findTokenId(db, idOrName))),
  );
  if (o.json) printJson(v);
  else console.log(`revoked token ${v.id} (${v.name})`);
}

// --- ip --------------------------------------------------------------------------------------

const LIST_NAMES: Record<string, IpList> = {
  allow: "allow",
  whitelist: "allow",
  deny: "deny",
  blacklist: "deny",
};

export async function ip(args: string[], o: { note?: string; json?: boolean }) {
  const [first, second, value] = args;
  if (!first || first === "ls" || first === "list") return ipList(undefined, o);
  const list = LIST_NAMES[first];
  if (!list) throw usage(`ip: expected allow or deny, got "${first}"`);
  if (!second || second === "ls" || second === "list") return ipList(list, o);
  if (second !== "add" && second !== "remove" && second !== "rm")
    throw usage(`ip ${first}: expected add, remove or ls`);
  if (!value) throw usage(`ip ${first} ${second} needs an address or CIDR range`);
  // No lock-out check here: the CLI on the server is how a locked-out admin gets back in.
  const rule = await withDatabase((db) =>
    domain(() =>
      second === "add"
        ? addIpRule(db, CLI_ACTOR, { list, value, note: o.note ?? "" }, { source: "cli" })
        : removeIpRule(db, CLI_ACTOR, { list, value }),
    ),
  );
  if (o.json) printJson(rule);
  else
    console.log(
      `${second === "add" ? "added" : "removed"} ${rule.value} ${second === "add" ? "to" : "from"} the ${list} list`,
    );
}

async function ipList(list: IpList | undefined, o: { json?: boolean }) {
  const rules = (await withDatabase((db) => listIpRules(db))).filter((r) => !list || r.list === list);
  if (o.json) return printJson(rules);
  if (!rules.length) {
    console.log(list ? `the ${list} list is empty` : "no IP rules: every address is allowed");
    return;
  }
  console.log(
    table(
      ["LIST", "ADDRESS", "NOTE", "SOURCE", "BY", "ADDED"],
      rules.map((r) => [r.list, r.value, r.note, r.source, r.createdByName, when(r.createdAt)]),
    ),
  );
}

export { IP_LISTS };
