/**
 * `kairos` — run Kairos on this machine and manage it from a terminal or a script.
 * Human output is a table; --json prints JSON for scripts. Exit codes: see cli/output.ts.
 */
import path from "node:path";
import { type ParseArgsConfig, parseArgs } from "node:util";
import { createAdmin, ip, migrate, reload, tokenCreate, tokenList, tokenRevoke } from "./admin";
import { Api, exportJobs, importJobs, jobsAdd, jobsList, jobsLogs, jobsRun } from "./client";
import { CliError, EXIT, usage } from "./output";
import { CLI_QUIET_MARK, ROOT, restart, startBackground, startForeground, status, stop } from "./server";

type Options = NonNullable<ParseArgsConfig["options"]>;

const COMMON: Options = {
  help: { type: "boolean", short: "h" },
  json: { type: "boolean" },
  verbose: { type: "boolean" },
};
const CLIENT: Options = { url: { type: "string" }, token: { type: "string" } };

const HELP: Record<string, string> = {
  "": `kairos — scheduled jobs, reports and monitoring

Run Kairos on this machine
  kairos start [-d] [-f]        foreground; -d in the background; -d -f with a supervisor that restarts it
  kairos stop [-f]              stop it (and its supervisor); -f kills what does not stop in time
  kairos status                 is it running and healthy?
  kairos restart                stop, then start in the same mode
  kairos reload                 re-read IP_WHITELIST / IP_BLACKLIST and reload job functions
  kairos migrate                bring the database to the current schema
  kairos create-admin           add an administrator

Manage (on the database, from the server)
  kairos token create --name N --role R [--expires 30d]   prints only the token
  kairos token ls | token revoke <id|name>
  kairos ip allow|deny add|remove <address|cidr> | ip [allow|deny] ls
  kairos export [--out file] [--with-files] [--with-passwords] [--with-secrets]
  kairos import <file> [--dry-run]                 a backup (JSON or archive), by natural keys

Use a running Kairos (KAIROS_URL, KAIROS_TOKEN or --url, --token)
  kairos jobs ls | jobs add -f job.json | jobs run ID [--wait] | jobs logs ID [--follow]
  kairos jobs export [-o file] | jobs import -f file

Every command: --help, --json (for scripts).
Exit codes: 0 ok · 1 failed · 2 usage · 3 not running · 4 not found · 5 refused · 6 unreachable · 7 invalid input · 78 bad configuration`,
  start: `kairos start [-d] [-f]
  (no flag)  run in the foreground (Ctrl-C stops it); what systemd runs
  -d         run in the background; pid in <data>/kairos.pid, log in <data>/kairos.log
  -d -f      run under a supervisor that starts Kairos again if it dies (<data>/daemon.pid)
  --wait S   seconds to wait for it to answer (background; default 300: the first start builds it)`,
  stop: `kairos stop [-f]
  Stops the supervisor (if any), then Kairos: web first, then the worker, then the embedded Postgres.
  -f   kill what has not stopped after --timeout seconds (default 60)`,
  status:
    "kairos status [--json]\n  Exit 0 when running and healthy, 1 when running but unhealthy, 3 when not running.",
  restart:
    "kairos restart [--json]\n  Stop, then start in the background (under a supervisor if one was running).",
  reload:
    "kairos reload [--json]\n  Apply this environment's IP_WHITELIST / IP_BLACKLIST to the stored lists and make every\n  worker reload its functions folder (systemd: ExecReload). Other settings need a restart.",
  migrate: "kairos migrate [--json]\n  Apply pending migrations to DATABASE_URL (or the embedded database).",
  "create-admin":
    "kairos create-admin --username U [--email E] [--name N] (--password-stdin | --password P)\n  The password may also come from KAIROS_ADMIN_PASSWORD.",
  token: `kairos token create --name N --role admin|operator|viewer [--expires 30d|12h|1y|2026-12-31] [--user U]
  Prints only the token (shown once; Kairos keeps a hash). --user U makes a personal token of U.
kairos token ls [--all] [--json]     --all includes revoked tokens
kairos token revoke <id|name>        refused from the next request on`,
  ip: `kairos ip allow|deny add <address|cidr> [--note TEXT]
kairos ip allow|deny remove <address|cidr>
kairos ip [allow|deny] ls [--json]
  Works on the database directly (no lock-out check): the way back in after a bad allow list.`,
  jobs: `kairos jobs ls [--page N] [--size N] [--q TEXT] [--state waiting|running|stopped] [--json]
kairos jobs add -f job.json          a job or an array; Kairos fields or TimerJobs fields (cron_expr…)
kairos jobs run ID [--wait]          --wait prints the output; exit 1 if the run fails
kairos jobs logs ID [--runs N] [--follow]
kairos jobs export [-o file]         every job as JSON (no ids; chained jobs by name)
kairos jobs import -f file           creates jobs, replaces those whose name exists, then sets chains;
                                     exit 7 if some were invalid
  Needs --url / KAIROS_URL (default http://127.0.0.1:$PORT) and --token / KAIROS_TOKEN.`,
  export: `kairos export [--out FILE] [--with-files] [--with-passwords] [--with-secrets] [--json]
  A backup of everything people made (users, jobs, scripts and their versions, sites, named
  secrets, IP rules, API tokens' descriptions, alert mutes, settings) as one JSON file with a
  schema version; on the database directly, whether Kairos runs or not. Stdout without --out.
  --with-files       a ZIP: the JSON plus every report file (files/<job>/<run>/<name>; kept, not restored)
  --with-passwords   include users' password hashes (restored users sign in as before)
  --with-secrets     include named secrets' values and the secret fields of job definitions
  Without the last two the file holds no credential (the file is written 0600 with them).`,
  import: `kairos import FILE [--dry-run] [--all] [--json]
  Applies a backup (JSON or --with-files archive, any schema version; - reads stdin) in one
  transaction: creates what is missing, updates what differs, never deletes. Importing the same
  file twice changes nothing. --dry-run lists what would be created / updated and changes
  nothing. --all lists unchanged items too. Exit 7 (naming the field) for a bad file.`,
};

const SPECS: Record<string, Options> = {
  start: {
    detach: { type: "boolean", short: "d" },
    forever: { type: "boolean", short: "f" },
    wait: { type: "string" },
  },
  stop: { force: { type: "boolean", short: "f" }, timeout: { type: "string" } },
  status: {},
  restart: {},
  reload: {},
  migrate: {},
  "create-admin": {
    username: { type: "string" },
    email: { type: "string" },
    name: { type: "string" },
    password: { type: "string" },
    "password-stdin": { type: "boolean" },
  },
  token: {
    name: { type: "string" },
    role: { type: "string" },
    expires: { type: "string" },
    kind: { type: "string" },
    user: { type: "string" },
    all: { type: "boolean" },
  },
  ip: { note: { type: "string" } },
  jobs: {
    ...CLIENT,
    file: { type: "string", short: "f" },
    page: { type: "string" },
    size: { type: "string" },
    q: { type: "string" },
    state: { type: "string" },
    output: { type: "string", short: "o" },
    wait: { type: "boolean" },
    follow: { type: "boolean" },
    runs: { type: "string", short: "n" },
  },
  export: {
    out: { type: "string", short: "o" },
    output: { type: "string" },
    "with-files": { type: "boolean" },
    "with-passwords": { type: "boolean" },
    "with-secrets": { type: "boolean" },
  },
  import: { file: { type: "string", short: "f" }, "dry-run": { type: "boolean" }, all: { type: "boolean" } },
};

function connection(v: Record<string, unknown>) {
  const port = process.env.PORT ?? "3000";
  const url = String(v.url ?? process.env.KAIROS_URL ?? `http://127.0.0.1:${port}`).replace(/\/$/, "");
  const token = String(v.token ?? process.env.KAIROS_TOKEN ?? "");
  if (!token)
    throw new CliError(
      "an API token is needed: --token or KAIROS_TOKEN (kairos token create …)",
      EXIT.REFUSED,
    );
  return new Api({ url, token });
}

async function main(argv: string[]): Promise<number> {
  const command = argv[0] && !argv[0].startsWith("-") ? argv[0] : "";
  if (!command || command === "help") {
    const topic = command === "help" ? (argv[1] ?? "") : "";
    console.log(HELP[topic] ?? HELP[""]);
    return command || argv.some((a) => a === "-h" || a === "--help")
      ? EXIT.OK
      : argv.length
        ? EXIT.USAGE
        : EXIT.OK;
  }
  const spec = SPECS[command];
  if (!spec) throw usage(`unknown command "${command}" (kairos --help lists them)`);
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv.slice(1),
      options: { ...COMMON, ...spec },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    throw usage(`${(e as Error).message}\n\n${HELP[command] ?? ""}`);
  }
  const v = parsed.values as Record<string, string | boolean | undefined>;
  const pos = parsed.positionals;
  if (v.help) {
    console.log(HELP[command]);
    return EXIT.OK;
  }
  if (!v.verbose && process.env.LOG_LEVEL === undefined) {
    // The CLI's own quietness: Kairos started from here gets the user's LOG_LEVEL back (server.ts).
    process.env.LOG_LEVEL = "silent";
    process.env[CLI_QUIET_MARK] = "1";
  }
  const json = !!v.json;
  // Paths given on the command line are the caller's; everything else runs from the install folder
  // (scripts, the .next build, and a relative KAIROS_DATA_DIR are relative to it).
  const abs = (p: unknown) =>
    typeof p === "string" && p !== "-" ? path.resolve(p) : (p as string | undefined);
  const file = abs(v.file);
  const output = abs(v.out ?? v.output);
  const firstPath = abs(pos[0]);
  process.chdir(ROOT);

  switch (command) {
    case "start":
      if (v.forever && !v.detach) throw usage("-f goes with -d: kairos start -d -f");
      if (!v.detach) {
        await startForeground();
        return -1;
      }
      await startBackground(!!v.forever, { json, waitSeconds: v.wait ? Number(v.wait) : undefined });
      return EXIT.OK;
    case "stop":
      await stop({ force: !!v.force, json, timeoutSeconds: v.timeout ? Number(v.timeout) : undefined });
      return EXIT.OK;
    case "status":
      return status({ json });
    case "restart":
      await restart({ json });
      return EXIT.OK;
    case "reload":
      await reload({ json });
      return EXIT.OK;
    case "migrate":
      await migrate({ json });
      return EXIT.OK;
    case "create-admin":
      await createAdmin({
        username: v.username as string,
        email: v.email as string,
        name: v.name as string,
        password: v.password as string,
        passwordStdin: !!v["password-stdin"],
        json,
      });
      return EXIT.OK;
    case "token": {
      const sub = pos[0];
      if (sub === "create") await tokenCreate({ ...(v as Record<string, string>), json });
      else if (sub === "ls" || sub === "list") await tokenList({ all: !!v.all, json });
      else if (sub === "revoke") await tokenRevoke(pos[1], { json });
      else throw usage(`token: expected create, ls or revoke\n\n${HELP.token}`);
      return EXIT.OK;
    }
    case "ip":
      await ip(pos, { note: v.note as string, json });
      return EXIT.OK;
    case "jobs": {
      const sub = pos[0];
      const api = () => connection(v);
      if (sub === "ls" || sub === "list") await jobsList(api(), { ...(v as Record<string, string>), json });
      else if (sub === "add") await jobsAdd(api(), { file, json });
      else if (sub === "run") return jobsRun(api(), pos[1], { wait: !!v.wait, json });
      else if (sub === "logs")
        await jobsLogs(api(), pos[1], { follow: !!v.follow, runs: v.runs as string, json });
      else if (sub === "export") await exportJobs(api(), { output });
      else if (sub === "import") return importJobs(api(), { file, json });
      else throw usage(`jobs: expected ls, add, run, logs, export or import\n\n${HELP.jobs}`);
      return EXIT.OK;
    }
    case "export": {
      // Loaded only here: the backup code pulls in most of the domain.
      const { exportCommand } = await import("./backup");
      await exportCommand({
        output,
        withFiles: !!v["with-files"],
        withPasswords: !!v["with-passwords"],
        withSecrets: !!v["with-secrets"],
        json,
      });
      return EXIT.OK;
    }
    case "import": {
      const { importCommand } = await import("./backup");
      await importCommand(file ?? firstPath, { dryRun: !!v["dry-run"], all: !!v.all, json });
      return EXIT.OK;
    }
  }
  throw usage(`unknown command "${command}"`);
}

main(process.argv.slice(2)).then(
  (code) => {
    // -1: a long-running command (start in the foreground) that exits by itself.
    if (code >= 0) process.exit(code);
  },
  (e) => {
    if (e instanceof CliError) {
      process.stderr.write(`kairos: ${e.message}\n`);
      process.exit(e.code);
    }
    process.stderr.write(`kairos: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(EXIT.FAILED);
  },
);
