import { and, desc, eq, inArray, isNotNull, type SQL, sql } from "drizzle-orm";
import postgres, { type Sql } from "postgres";
import { z } from "zod";
import { getDb } from "../../db/client";
import { jobs, runs } from "../../db/schema";
import { zodText } from "../../i18n/errors";
import { displayTimeZone } from "../../i18n/zone";
import { RUN_STATUSES, type RunStatus } from "../../lib/enums";
import { env } from "../../lib/env";
import { formatLocal } from "../../lib/local-time";
import { displayWidth } from "../../lib/text-width";
import { type Builtin, parseArgs, print, rest } from "./common";

const ROW_CAP = 1000;
const CELL_CAP = 200;
const STATEMENT_TIMEOUT = "30s";

// Postgres type oids shown right-aligned: int2/4/8, oid, float4/8, numeric, money.
const NUMERIC_TYPES = new Set([20, 21, 23, 26, 700, 701, 790, 1700]);

export { displayWidth };

function padTo(s: string, width: number, right: boolean): string {
  const fill = " ".repeat(Math.max(0, width - displayWidth(s)));
  return right ? fill + s : s + fill;
}

function cell(v: unknown): string {
  let s: string;
  if (v === null || v === undefined) s = "NULL";
  else if (v instanceof Date) s = Number.isNaN(v.getTime()) ? String(v) : v.toISOString();
  else if (Buffer.isBuffer(v)) s = `\\x${v.toString("hex")}`;
  else if (typeof v === "object") s = JSON.stringify(v);
  else s = String(v);
  s = s.replace(/\r?\n/g, "\\n").replace(/\t/g, "\\t");
  return [...s].length > CELL_CAP ? `${[...s].slice(0, CELL_CAP - 1).join("")}…` : s;
}

/** psql-like aligned table: header, rule, rows, numbers right-aligned. */
export function formatTable(columns: { name: string; numeric: boolean }[], rows: unknown[][]): string {
  if (!columns.length) return "";
  const cells = rows.map((r) => columns.map((_, i) => cell(r[i])));
  const widths = columns.map((c, i) =>
    Math.max(displayWidth(c.name), ...cells.map((r) => displayWidth(r[i] ?? ""))),
  );
  const line = (values: string[], header: boolean) =>
    ` ${values.map((v, i) => padTo(v, widths[i] ?? 0, !header && !!columns[i]?.numeric)).join(" | ")}`.trimEnd();
  return [
    line(
      columns.map((c) => c.name),
      true,
    ),
    widths.map((w) => "-".repeat(w + 2)).join("+"),
    ...cells.map((r) => line(r, false)),
  ].join("\n");
}

const ZDatabaseArgs = z.object({
  op: z
    .string({ error: zodText("args.dbOpRequired") })
    .trim()
    .toLowerCase()
    .pipe(z.literal("query", { error: zodText("args.dbOnlyQuery") })),
  statement: z
    .string()
    .trim()
    .transform((s) => s.replace(/;\s*$/, ""))
    .pipe(z.string().min(1, zodText("args.sqlRequired"))),
});

type PgColumn = { name: string; type: number };

const g = globalThis as typeof globalThis & { __kairosFuncDb?: { url: string; sql: Sql } };

/** user@host:port of a connection URL, the part that says whose rights a query runs with. */
function whoAt(url: string): string {
  const u = new URL(url);
  return `${decodeURIComponent(u.username)}@${u.hostname}:${u.port || "5432"}`;
}

/**
 * The Database built-in's own pool on KAIROS_FUNC_DATABASE_URL (issue 7, Critical 2): never
 * Kairos' connection, whose role owns every session secret and password hash.
 */
function funcSql(): Sql {
  const url = env().KAIROS_FUNC_DATABASE_URL;
  if (!url) {
    throw new Error(
      "KAIROS_FUNC_DATABASE_URL is not set: an admin must give the Database function its own connection (a read-only role), never Kairos' own",
    );
  }
  const own = env().DATABASE_URL ?? process.env.DATABASE_URL;
  if (own && whoAt(own) === whoAt(url)) {
    throw new Error(
      "KAIROS_FUNC_DATABASE_URL uses Kairos' own database role; give it a role of its own (read-only)",
    );
  }
  if (g.__kairosFuncDb?.url !== url) {
    void g.__kairosFuncDb?.sql.end({ timeout: 1 });
    const sql = postgres(url, {
      max: 2,
      idle_timeout: 30,
      connect_timeout: 10,
      onnotice: () => {},
      connection: { application_name: "kairos-func" },
    });
    g.__kairosFuncDb = { url, sql };
  }
  return g.__kairosFuncDb.sql;
}

/** Closes the built-in's pool (worker shutdown, tests). */
export async function closeFuncDb() {
  const h = g.__kairosFuncDb;
  g.__kairosFuncDb = undefined;
  await h?.sql.end({ timeout: 5 });
}

const database: Builtin = {
  name: "Database",
  params: ["op", "sql"],
  description: `Runs one read-only SQL statement on the database of KAIROS_FUNC_DATABASE_URL (query,SQL) and prints the rows (${STATEMENT_TIMEOUT} limit).`,
  descriptionZh: `在 KAIROS_FUNC_DATABASE_URL 指定的数据库上执行一条只读 SQL（query,SQL）并打印结果（限时 ${STATEMENT_TIMEOUT}）。`,
  async run(args, ctx) {
    // The seed writes `Database query,SELECT a, b FROM t`: the SQL is everything after the op.
    const a = parseArgs(ZDatabaseArgs, { op: args[0], statement: rest(args, 1) });
    const signal = ctx.signal;
    signal.throwIfAborted();
    const kept: unknown[][] = [];
    let rowCount = 0;
    let columns: PgColumn[] | undefined;
    const meta = await funcSql()
      .begin("read only", async (tx) => {
        await tx.unsafe(`set local statement_timeout = '${STATEMENT_TIMEOUT}'`);
        // Read-only stops neither COPY … TO PROGRAM nor pg_read_file: refuse roles that have them.
        const [role] = await tx<{ su: string; exec: boolean; files: boolean }[]>`
          select current_setting('is_superuser') as su,
                 pg_has_role(current_user, 'pg_execute_server_program', 'member') as exec,
                 pg_has_role(current_user, 'pg_read_server_files', 'member') as files`;
        if (role?.su === "on" || role?.exec || role?.files) {
          throw new Error(
            "KAIROS_FUNC_DATABASE_URL connects as a superuser (or a role that may run programs or read server files); give it a plain read-only role",
          );
        }
        // A cursor runs on the extended protocol, where Postgres refuses several statements at once,
        // and lets huge results stream past the row cap instead of filling memory.
        const q = tx.unsafe(a.statement, [], { prepare: false }).values();
        const cancel = () => q.cancel();
        signal.addEventListener("abort", cancel, { once: true });
        try {
          return await q.cursor(500, (batch) => {
            columns ??= (batch as unknown as { columns?: PgColumn[] }).columns;
            for (const row of batch) if (rowCount++ < ROW_CAP) kept.push(row);
          });
        } finally {
          signal.removeEventListener("abort", cancel);
        }
      })
      .catch((e: unknown) => {
        // Postgres's wording for a second statement on the extended protocol is obscure.
        if (String((e as Error | undefined)?.message).includes("multiple commands")) {
          throw new Error("only one SQL statement is allowed");
        }
        throw e;
      });
    signal.throwIfAborted();
    columns ??= (meta as unknown as { columns?: PgColumn[] }).columns ?? [];
    const table = formatTable(
      columns.map((c) => ({ name: c.name, numeric: NUMERIC_TYPES.has(c.type) })),
      kept,
    );
    const lines = table ? [table] : [];
    if (rowCount > ROW_CAP) lines.push(`[… ${rowCount - ROW_CAP} more rows not shown]`);
    lines.push(columns.length ? `(${rowCount} ${rowCount === 1 ? "row" : "rows"})` : meta.command);
    print(ctx, lines.join("\n"));
    return { ok: true, result: { rowCount, command: meta.command } };
  },
};

const PERIODS = {
  daily: { hours: 24, label: "last 24 hours" },
  weekly: { hours: 24 * 7, label: "last 7 days" },
};
const FAILED: RunStatus[] = ["failed", "timed_out", "lost"];
const FAILED_SHOWN = 50;

const ZReportArgs = z.object({
  period: z
    .string()
    .trim()
    .toLowerCase()
    .default("daily")
    .transform((v) => v || "daily")
    .pipe(z.enum(["daily", "weekly"], { error: zodText("args.dailyOrWeekly") })),
});

function when(d: Date | null, timeZone: string): string {
  return d ? formatLocal(d, timeZone) : "-";
}

function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const m = Math.floor(ms / 60_000);
  return `${m} min ${Math.round((ms % 60_000) / 1000)} s`;
}

const report: Builtin = {
  name: "Report",
  params: ["period"],
  description:
    "Summarises Kairos runs of the last day (daily) or week (weekly): statuses, failures, slowest runs.",
  descriptionZh: "汇总最近一天（daily）或一周（weekly）的 Kairos 运行：状态统计、失败记录、最慢的运行。",
  async run(args, ctx) {
    const { period } = parseArgs(ZReportArgs, { period: args[0] });
    const { hours, label } = PERIODS[period];
    const until = new Date();
    const since = new Date(until.getTime() - hours * 3_600_000);
    const db = getDb();
    const at = sql<Date>`coalesce(${runs.startedAt}, ${runs.enqueuedAt})`.mapWith(runs.enqueuedAt);
    // A raw expression has no column type to encode a Date with: pass the instant as text.
    const inPeriod: SQL = sql`${at} >= ${since.toISOString()}::timestamptz`;
    const tookMs = sql<number>`extract(epoch from ${runs.finishedAt} - ${runs.startedAt}) * 1000`;
    ctx.signal.throwIfAborted();
    const [byStatusRows, failedRows, slowRows] = await Promise.all([
      db
        .select({ status: runs.status, n: sql<number>`count(*)::int` })
        .from(runs)
        .where(inPeriod)
        .groupBy(runs.status),
      db
        .select({ id: runs.id, job: jobs.name, status: runs.status, at, error: runs.error })
        .from(runs)
        .innerJoin(jobs, eq(jobs.id, runs.jobId))
        .where(and(inPeriod, inArray(runs.status, FAILED)))
        .orderBy(desc(runs.id))
        .limit(FAILED_SHOWN),
      db
        .select({ id: runs.id, job: jobs.name, status: runs.status, at, ms: tookMs })
        .from(runs)
        .innerJoin(jobs, eq(jobs.id, runs.jobId))
        .where(and(inPeriod, isNotNull(runs.startedAt), isNotNull(runs.finishedAt)))
        .orderBy(desc(tookMs))
        .limit(5),
    ]);
    ctx.signal.throwIfAborted();

    const byStatus = Object.fromEntries(RUN_STATUSES.map((s) => [s, 0])) as Record<RunStatus, number>;
    for (const r of byStatusRows) byStatus[r.status] = r.n;
    const total = byStatusRows.reduce((n, r) => n + r.n, 0);
    const failed = FAILED.reduce((n, s) => n + byStatus[s], 0);
    const zone = displayTimeZone();
    const out: string[] = [
      `Kairos ${period} report: ${label}, ${when(since, zone)} – ${when(until, zone)} (${zone})`,
      "",
      `Runs: ${total}`,
      ...RUN_STATUSES.filter((s) => byStatus[s] > 0).map((s) => `  ${s.padEnd(10)} ${byStatus[s]}`),
      "",
      `Failed runs: ${failed}`,
      ...failedRows.map(
        (r) =>
          `  #${r.id} ${r.job} at ${when(r.at, zone)} [${r.status}]${r.error ? `: ${r.error.split("\n")[0]}` : ""}`,
      ),
      ...(failed > failedRows.length ? [`  [… ${failed - failedRows.length} more]`] : []),
      "",
      `Slowest runs:`,
      ...(slowRows.length
        ? slowRows.map(
            (r) => `  #${r.id} ${r.job} ${duration(Number(r.ms))} at ${when(r.at, zone)} [${r.status}]`,
          )
        : ["  (none finished)"]),
    ];
    print(ctx, out.join("\n"));
    return {
      ok: true,
      result: { period, since: since.toISOString(), until: until.toISOString(), total, failed, byStatus },
    };
  },
};

export const databaseBuiltins: Builtin[] = [database, report];
