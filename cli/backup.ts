/**
 * `kairos export` / `kairos import`: the backup of everything people made (server/backup), on the
 * database directly like `token` and `ip` — so it works whether Kairos runs or not.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { audit } from "../server/audit";
import { exportArchive, readBackupBytes } from "../server/backup/archive";
import { exportBackup } from "../server/backup/export";
import { BackupInvalid, type BackupNote, type ImportResult, importBackup } from "../server/backup/import";
import { localizedMessage } from "../server/i18n/errors";
import { CLI_ACTOR, domain } from "./admin";
import { withDatabase } from "./local";
import { CliError, cliLocale, EXIT, printJson, table, usage } from "./output";

export const NOTE_WORDS: Record<BackupNote, string> = {
  noPassword: "no password in the file: set one before they sign in",
  noSecretValue: "no value in the file: set it in Admin › Secrets",
  tokenNotRestored: "tokens are not restored: create a new one",
  fromEnvironment: "follows IP_WHITELIST / IP_BLACKLIST here",
};

export async function exportCommand(o: {
  output?: string;
  withFiles?: boolean;
  withPasswords?: boolean;
  withSecrets?: boolean;
  json?: boolean;
}) {
  if (o.withFiles && !o.output && process.stdout.isTTY)
    throw usage("--with-files writes a ZIP archive: give --out FILE (or redirect stdout)");
  const opts = { withPasswords: o.withPasswords, withSecrets: o.withSecrets };
  const { bytes, summary } = await withDatabase(async (db) => {
    const doc = await exportBackup(db, opts);
    const bytes = o.withFiles
      ? await exportArchive(db, opts)
      : Buffer.from(`${JSON.stringify(doc, null, 2)}\n`);
    await audit(db, CLI_ACTOR, "backup.export", "backup", null, {
      after: { ...opts, withFiles: !!o.withFiles },
    });
    const summary = {
      schemaVersion: doc.schemaVersion,
      users: doc.users.length,
      jobs: doc.jobs.length,
      scripts: doc.scripts.reduce((n, s) => n + s.versions.length, 0),
      sites: doc.sites.length,
      secrets: doc.secrets.length,
      ipRules: doc.ipRules.length,
      tokens: doc.tokens.length,
      with: { passwords: !!o.withPasswords, secrets: !!o.withSecrets, files: !!o.withFiles },
    };
    return { bytes, summary };
  });
  if (!o.output || o.output === "-") {
    process.stdout.write(bytes);
    return;
  }
  writeFileSync(o.output, bytes, { mode: o.withPasswords || o.withSecrets ? 0o600 : 0o644 });
  if (o.json) printJson({ file: o.output, bytes: bytes.length, ...summary });
  else
    process.stderr.write(
      `exported ${summary.jobs} jobs, ${summary.scripts} script versions, ${summary.sites} sites, ` +
        `${summary.users} users, ${summary.secrets} secrets, ${summary.ipRules} IP rules to ${o.output}` +
        `${o.withFiles ? " (with report files)" : ""}\n`,
    );
}

function readInput(file: string): Buffer {
  try {
    return file === "-" ? readFileSync(0) : readFileSync(file);
  } catch (e) {
    throw new CliError(`cannot read ${file}: ${(e as Error).message}`, EXIT.NOT_FOUND);
  }
}

export async function importCommand(
  file: string | undefined,
  o: { dryRun?: boolean; json?: boolean; all?: boolean },
) {
  if (!file) throw usage("import needs a file: kairos import FILE [--dry-run]");
  const bytes = readInput(file);
  let result: ImportResult;
  try {
    const raw = await readBackupBytes(bytes);
    result = await withDatabase((db) =>
      domain(() => importBackup(db, CLI_ACTOR, raw, { dryRun: !!o.dryRun })),
    );
  } catch (e) {
    // Each line already names its field.
    if (e instanceof BackupInvalid) throw new CliError(localizedMessage(e, cliLocale()), EXIT.INVALID);
    throw e;
  }
  if (o.json) return printJson(result);
  const shown = result.items.filter((i) => o.all || i.action !== "unchanged");
  if (shown.length)
    console.log(
      table(
        ["KIND", "KEY", "ACTION", "NOTE"],
        shown.map((i) => [i.kind, i.key, i.action, i.note ? NOTE_WORDS[i.note] : ""]),
        60,
      ),
    );
  const c = result.counts;
  console.log(
    `${result.dryRun ? "dry run, nothing changed: would create" : "created"} ${c.create}, ` +
      `${result.dryRun ? "update" : "updated"} ${c.update}, unchanged ${c.unchanged}, skipped ${c.skip}` +
      (result.upgradedFrom
        ? ` (file of schema version ${result.upgradedFrom}, read as ${result.schemaVersion})`
        : ""),
  );
}
