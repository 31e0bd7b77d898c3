/**
 * The three pipe-delimited daily files of seed 001, read line by line. A line that cannot be
 * read becomes a bad line (its number, the reason, the raw text) and the others still land:
 * one malformed line never costs a file.
 *
 *   system_info:    server_name|server_ip|site_id|cpu|user|sys|io|idle|record_time
 *                   server_name|server_ip|site_id|mem|used|free|buffer|total|record_time
 *                   server_name|server_ip|site_id|disk|<mount>|used|total|record_time
 *                   server_name|server_ip|site_id|node|<node name>|<state>|record_time
 *   system_alarm:   site_id|alarm_name|alarm_node|alarm_desc|alarm_time|alarm_resume_time|record_time
 *   system_service: site_id|sub_users|unsub_users|total_users|call_times|show_times|mo_times|mt_times|record_time
 *
 * Times are `YYYY-MM-DD HH:MM:SS` or `YYYYmmddHHMMSS`, wall-clock in the site's zone (DESIGN);
 * they are kept as normalised wall-clock text here and turned into instants by Postgres
 * (`at time zone`) when stored. An empty resume time means the alarm is not resumed.
 */
import iconv from "iconv-lite";
import { z } from "zod";
import type { SampleKind, SiteFileKind } from "../lib/enums";

export type Encoding = "utf-8" | "gbk";

/**
 * Why a line is bad, as a catalog key (`siteBadLine.<code>` in server/i18n/messages/sites)
 * and its values, so the site's page shows it in the reader's language (bad-lines.ts).
 */
export const BAD_REASON_CODES = [
  "fieldCount",
  "unknownType",
  "empty",
  "tooLong",
  "otherSite",
  "siteEmpty",
  "notTime",
  "notNumber",
  "notWholeNumber",
  "resumeNotTime",
  "invalid",
] as const;
export type BadReasonCode = (typeof BAD_REASON_CODES)[number];
export type BadReason = { code: BadReasonCode; params?: Record<string, string | number> };
export type BadLine = { lineNo: number; reason: BadReason; raw: string };

const because = (code: BadReasonCode, params?: BadReason["params"]): BadReason =>
  params ? { code, params } : { code };

export type SampleLine = {
  kind: SampleKind;
  server: string;
  ip: string;
  mount: string;
  local: string;
  v1: number;
  v2: number;
  v3: number | null;
  v4: number | null;
};
export type NodeLine = { server: string; ip: string; node: string; state: string; local: string };
export type AlarmLine = {
  name: string;
  node: string;
  description: string;
  raisedLocal: string;
  resumedLocal: string | null;
  recordLocal: string;
};
export type ServiceLine = {
  local: string;
  counters: [number, number, number, number, number, number, number];
};

export type InfoRows = { samples: SampleLine[]; nodes: NodeLine[] };
export type Parsed<R> = { rows: R; bad: BadLine[]; lines: number };

// ---- encoding ------------------------------------------------------------------------------

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Bytes → text. UTF-8 when the bytes are valid UTF-8 (a leading BOM dropped), else GBK (read
 * as GB18030, its superset). `known` is what earlier bytes of the same file turned out to be:
 * a chunk of plain ASCII says nothing, so the first chunk that tells decides for the file.
 */
export function decode(bytes: Buffer, known?: Encoding | null): { text: string; encoding: Encoding | null } {
  const hasBom = bytes.subarray(0, 3).equals(BOM);
  const body = hasBom ? bytes.subarray(3) : bytes;
  if (hasBom) known = "utf-8";
  if (known === "gbk") return { text: iconv.decode(body, "gb18030"), encoding: "gbk" };
  try {
    const text = strictUtf8.decode(body);
    // As many characters as bytes: all ASCII, which any encoding reads alike.
    const isAscii = text.length === body.length;
    return { text, encoding: known ?? (isAscii ? null : "utf-8") };
  } catch {
    if (known === "utf-8") return { text: new TextDecoder("utf-8").decode(body), encoding: "utf-8" };
    return { text: iconv.decode(body, "gb18030"), encoding: "gbk" };
  }
}

/**
 * How many bytes of `bytes` are complete lines: up to and including the last LF. The rest is a
 * line still being written; it is read again on the next pull. (0x0A never occurs inside a
 * UTF-8 or GBK multi-byte character, so cutting there never splits one.)
 */
export function completeLength(bytes: Buffer): number {
  return bytes.lastIndexOf(0x0a) + 1;
}

// ---- fields --------------------------------------------------------------------------------

const TIME_DASHED = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/;
const TIME_COMPACT = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/;

let lastTimeIn = "";
let lastTimeOut: string | null = null;

/** A record time → `YYYY-MM-DD HH:MM:SS`, or null when it is no time or an impossible one. */
export function wallTime(text: string): string | null {
  // Lines come in runs with the same time (every server, every metric of a minute).
  if (text === lastTimeIn) return lastTimeOut;
  lastTimeIn = text;
  lastTimeOut = checkWallTime(text);
  return lastTimeOut;
}

function checkWallTime(text: string): string | null {
  const m = TIME_DASHED.exec(text) ?? TIME_COMPACT.exec(text);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return null;
  // Day 31 of a 30-day month (or 29 February of a common year) rolls over: impossible.
  if (new Date(Date.UTC(y, mo - 1, d)).getUTCDate() !== d) return null;
  return `${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6]}`;
}

// Each check's issue carries its reason code and values (`params`); the field is the path.
const ZTime = z.string().transform((s, ctx) => {
  const t = wallTime(s);
  if (t === null) {
    ctx.addIssue({ code: "custom", message: "not a time", params: because("notTime", { value: s }) });
    return z.NEVER;
  }
  return t;
});
const ZCount = z.string().transform((s, ctx) => {
  if (/^\d{1,15}$/.test(s)) return Number(s);
  ctx.addIssue({
    code: "custom",
    message: "not a whole number",
    params: because("notWholeNumber", { value: s }),
  });
  return z.NEVER;
});
const ZName = z.string().superRefine((s, ctx) => {
  if (!s) ctx.addIssue({ code: "custom", message: "empty", params: because("empty") });
  else if (s.length > 200)
    ctx.addIssue({ code: "custom", message: "too long", params: because("tooLong", { max: 200 }) });
});

// Row shapes, one per line type: tuples of the fields after the type column.
const ZAlarm = z.tuple([ZName, ZName, z.string(), ZTime, z.string(), ZTime]);
const ZService = z.tuple([ZCount, ZCount, ZCount, ZCount, ZCount, ZCount, ZCount, ZTime]);

function reasonOf(error: z.ZodError, names: readonly string[]): BadReason {
  const issue = error.issues[0];
  const field = typeof issue?.path[0] === "number" ? names[issue.path[0]] : undefined;
  const reason = (issue as { params?: BadReason } | undefined)?.params;
  if (!reason?.code || !field) return because("invalid");
  return because(reason.code, { field, ...reason.params });
}

// ---- lines ---------------------------------------------------------------------------------

export type ParseOptions = {
  /** The site the file belongs to: a line naming another site_id is refused. */
  siteCode: string;
  /** The number of the first line in `text` (1 at the start of a file). */
  firstLineNo?: number;
};

type LineVisitor = (fields: string[], lineNo: number, raw: string) => BadReason | null;

/**
 * Calls `visit` for each non-blank line (CRLF or LF), split on `|` and trimmed; a header line
 * (its first field a column name) is skipped. `visit` answers null or why the line is bad.
 */
function eachLine(text: string, opts: ParseOptions, header: string, visit: LineVisitor) {
  const bad: BadLine[] = [];
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  const first = opts.firstLineNo ?? 1;
  for (let i = 0; i < lines.length; i++) {
    let raw = lines[i] as string;
    if (raw.endsWith("\r")) raw = raw.slice(0, -1);
    // No text column can hold NUL: a line of binary garbage is still reported, without it.
    if (raw.includes("\u0000")) raw = raw.replaceAll("\u0000", "");
    if (!raw.trim()) continue;
    const fields = raw.split("|");
    for (let k = 0; k < fields.length; k++) {
      const f = fields[k] as string;
      if (f.length && (f.charCodeAt(0) <= 32 || f.charCodeAt(f.length - 1) <= 32)) fields[k] = f.trim();
    }
    if (fields[0] === header) continue;
    const reason = visit(fields, first + i, raw);
    if (reason) bad.push({ lineNo: first + i, reason, raw: raw.slice(0, 2000) });
  }
  return { bad, lines: lines.length };
}

function wrongCount(fields: string[], expected: number, what: string): BadReason {
  return because("fieldCount", { count: fields.length, expected, what });
}

function otherSite(code: string, opts: ParseOptions): BadReason | null {
  if (code === opts.siteCode) return null;
  return code ? because("otherSite", { code, site: opts.siteCode }) : because("siteEmpty");
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * system_info is the big file (a million lines a day is ordinary), so its fields are checked
 * by hand, by the same rules and with the same words as the zod shapes of the other files.
 */
const SAMPLE_SHAPES = {
  cpu: { count: 9, names: ["user_use", "sys_use", "io_use", "idle"] },
  mem: { count: 9, names: ["mem_use", "mem_free", "mem_buffer", "mem_total"] },
  disk: { count: 8, names: ["disk_used", "disk_total"] },
  node: { count: 7, names: [] },
} as const;

export function parseInfo(text: string, opts: ParseOptions): Parsed<InfoRows> {
  const rows: InfoRows = { samples: [], nodes: [] };
  const values: number[] = [0, 0, 0, 0];
  const { bad, lines } = eachLine(text, opts, "server_name", (f) => {
    const type = (f[3] ?? "").toLowerCase();
    const shape = SAMPLE_SHAPES[type as keyof typeof SAMPLE_SHAPES];
    if (!shape) {
      return f.length < 5
        ? wrongCount(f, 9, "system_info")
        : because("unknownType", { type: f[3] as string });
    }
    if (f.length !== shape.count) return wrongCount(f, shape.count, type);
    const server = f[0] as string;
    if (!server) return because("empty", { field: "server_name" });
    if (server.length > 200) return because("tooLong", { field: "server_name", max: 200 });
    const site = otherSite(f[2] as string, opts);
    if (site) return site;
    const timeText = f[f.length - 1] as string;
    const local = wallTime(timeText);
    if (local === null) return because("notTime", { field: "record_time", value: timeText });
    const ip = f[1] as string;
    if (type === "node") {
      const node = f[4] as string;
      if (!node) return because("empty", { field: "node" });
      rows.nodes.push({ server, ip, node: node.slice(0, 200), state: (f[5] as string).slice(0, 200), local });
      return null;
    }
    const first = type === "disk" ? 5 : 4;
    for (let k = 0; k < shape.names.length; k++) {
      const v = f[first + k] as string;
      if (!NUMBER.test(v)) return because("notNumber", { field: shape.names[k] as string, value: v });
      values[k] = Number(v);
    }
    if (type === "disk") {
      const mount = f[4] as string;
      if (!mount) return because("empty", { field: "mount" });
      if (mount.length > 200) return because("tooLong", { field: "mount", max: 200 });
      rows.samples.push({
        kind: "disk",
        server,
        ip,
        mount,
        local,
        v1: values[0] as number,
        v2: values[1] as number,
        v3: null,
        v4: null,
      });
    } else {
      rows.samples.push({
        kind: type as "cpu" | "mem",
        server,
        ip,
        mount: "",
        local,
        v1: values[0] as number,
        v2: values[1] as number,
        v3: values[2] as number,
        v4: values[3] as number,
      });
    }
    return null;
  });
  return { rows, bad, lines };
}

const ALARM_NAMES = [
  "alarm_name",
  "alarm_node",
  "alarm_desc",
  "alarm_time",
  "alarm_resume_time",
  "record_time",
] as const;

export function parseAlarms(text: string, opts: ParseOptions): Parsed<AlarmLine[]> {
  const rows: AlarmLine[] = [];
  const { bad, lines } = eachLine(text, opts, "site_id", (f) => {
    if (f.length < 7) return wrongCount(f, 7, "system_alarm");
    const site = otherSite(f[0] as string, opts);
    if (site) return site;
    // A description may itself hold `|`: everything between the node and the three times.
    const fields = [f[1], f[2], f.slice(3, -3).join("|"), ...f.slice(-3)] as string[];
    const r = ZAlarm.safeParse(fields);
    if (!r.success) return reasonOf(r.error, ALARM_NAMES);
    const [name, node, description, raisedLocal, resumed, recordLocal] = r.data;
    let resumedLocal: string | null = null;
    if (resumed) {
      resumedLocal = wallTime(resumed);
      if (!resumedLocal) return because("resumeNotTime", { field: "alarm_resume_time", value: resumed });
    }
    rows.push({
      name,
      node,
      description: description.slice(0, 4000),
      raisedLocal,
      resumedLocal,
      recordLocal,
    });
    return null;
  });
  return { rows, bad, lines };
}

const SERVICE_NAMES = [
  "sub_users",
  "unsub_users",
  "total_users",
  "call_times",
  "show_times",
  "mo_times",
  "mt_times",
  "record_time",
] as const;

export function parseService(text: string, opts: ParseOptions): Parsed<ServiceLine[]> {
  const rows: ServiceLine[] = [];
  const { bad, lines } = eachLine(text, opts, "site_id", (f) => {
    if (f.length !== 9) return wrongCount(f, 9, "system_service");
    const site = otherSite(f[0] as string, opts);
    if (site) return site;
    const r = ZService.safeParse(f.slice(1));
    if (!r.success) return reasonOf(r.error, SERVICE_NAMES);
    const [a, b, c, d, e, g, h, local] = r.data;
    rows.push({ local, counters: [a, b, c, d, e, g, h] });
    return null;
  });
  return { rows, bad, lines };
}

export type ParsedFile =
  | ({ kind: "info" } & Parsed<InfoRows>)
  | ({ kind: "alarm" } & Parsed<AlarmLine[]>)
  | ({ kind: "service" } & Parsed<ServiceLine[]>);

export function parseFile(kind: SiteFileKind, text: string, opts: ParseOptions): ParsedFile {
  if (kind === "info") return { kind, ...parseInfo(text, opts) };
  if (kind === "alarm") return { kind, ...parseAlarms(text, opts) };
  return { kind, ...parseService(text, opts) };
}

/** The daily file names of seed 001, and the folder each is served from under the base URL. */
export const FILE_PATHS: Record<SiteFileKind, (day: string) => string> = {
  info: (d) => `sys_monitor/system_info_${d.replaceAll("-", "")}.txt`,
  alarm: (d) => `sys_alarm/system_alarm_${d.replaceAll("-", "")}.txt`,
  service: (d) => `sys_service/system_service_${d.replaceAll("-", "")}.txt`,
};

/** Which file a name is (system_info_20250101.txt → info), for pushed uploads. */
export function kindOfFileName(name: string): SiteFileKind | null {
  const base = name.split(/[\\/]/).pop() ?? "";
  if (/^system_info/i.test(base)) return "info";
  if (/^system_alarm/i.test(base)) return "alarm";
  if (/^system_service/i.test(base)) return "service";
  return null;
}
