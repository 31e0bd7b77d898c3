import "server-only";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { env } from "./env";
import { log } from "./log";

/**
 * What every process Kairos starts for a job gets (issue 7, Critical 1): a clean environment
 * and, when Kairos runs as root, an unprivileged user. Kairos' own environment carries the
 * database URL, the session secret, the admin password and mail credentials; a job (and a
 * viewer reading its output) must never see them, so variables are passed by name, never
 * filtered out of the whole.
 */

const PASSED = ["PATH", "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "LC_MESSAGES", "TZ", "TMPDIR"] as const;
const DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

export type RunAs = { name: string; uid: number; gid: number; home: string };

/** PATH, HOME, LANG/LC_*, TZ, TMPDIR from Kairos' environment, then what the job sets. */
export function childEnv(jobEnv: Record<string, string> = {}, runAs: RunAs | null = null): NodeJS.ProcessEnv {
  const out: Record<string, string | undefined> = {};
  for (const k of PASSED) if (process.env[k] !== undefined) out[k] = process.env[k];
  out.PATH ??= DEFAULT_PATH;
  if (runAs) {
    out.HOME = runAs.home;
    out.USER = runAs.name;
    out.LOGNAME = runAs.name;
  } else if (process.env.HOME) out.HOME = process.env.HOME;
  // No NODE_ENV either: Next's typing wants one, a job does not.
  return { ...out, ...jobEnv } as NodeJS.ProcessEnv;
}

const run = promisify(execFile);
const clean = { env: childEnv() };

async function lookup(name: string): Promise<RunAs | null> {
  // getent reads NSS (LDAP users too), unlike /etc/passwd.
  const r = await run("getent", ["passwd", name], clean).catch(() => null);
  const f = r?.stdout.trim().split(":");
  if (!f || f.length < 7) return null;
  return { name, uid: Number(f[2]), gid: Number(f[3]), home: f[5] || "/" };
}

let resolved: Promise<RunAs | null> | undefined;

/**
 * The user jobs run as: null when Kairos is not root (jobs run as Kairos' own user, which is
 * then unprivileged); otherwise KAIROS_RUN_AS, created as a system user the first time.
 * Never root: a name that maps to uid 0 stops jobs from starting with a clear error.
 */
export function jobUser(): Promise<RunAs | null> {
  if (process.getuid?.() !== 0) return Promise.resolve(null);
  resolved ??= (async () => {
    const name = env().KAIROS_RUN_AS;
    let user = await lookup(name);
    if (!user) {
      await run(
        "useradd",
        [
          "--system",
          "--user-group",
          "--no-create-home",
          "--home-dir",
          "/nonexistent",
          "--shell",
          "/usr/sbin/nologin",
          name,
        ],
        clean,
      );
      user = await lookup(name);
      log("jobs").info({ user: name, uid: user?.uid }, "created the user jobs run as (KAIROS_RUN_AS)");
    }
    if (!user) throw new Error(`KAIROS_RUN_AS: user ${name} does not exist and could not be created`);
    if (user.uid === 0 || user.gid === 0) {
      throw new Error(`KAIROS_RUN_AS: ${name} is root (uid or gid 0); jobs never run as root`);
    }
    return user;
  })();
  // A failure (useradd missing) is retried on the next job rather than remembered forever.
  resolved.catch(() => {
    resolved = undefined;
  });
  return resolved;
}
