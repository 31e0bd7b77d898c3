/**
 * Issue 12, stage 1: pulling a site's daily files from a real HTTP server on 127.0.0.1, one
 * honouring Range and one ignoring it. CRLF, GBK, BOM, blank and header lines, duplicates,
 * wrong field counts, non-numbers, unknown types, impossible times, another site's lines, a
 * partial last line, an alarm raised then resumed in the next day's file, lines appended
 * between pulls, files replaced by shorter and by different longer ones: the stored rows, the
 * bad lines with their numbers, the offsets, and nothing twice after re-pulls.
 */
import { and, asc, eq, sql } from "drizzle-orm";
import iconv from "iconv-lite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../server/db/client";
import {
  alarms,
  samples,
  serverNodes,
  servers,
  serviceCounters,
  siteBadLines,
  sites,
} from "../../server/db/schema";
import { fileStates, pullSite } from "../../server/sites/pull";
import { type SiteFileServer, startSiteFileServer } from "../helpers/site-files";

// 10:00 on 2 March 2025 in Shanghai: today is 20250302, yesterday 20250301 (past its grace).
const NOW = new Date("2025-03-02T02:00:00Z");
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const crlf = (lines: string[]) => lines.join("\r\n");

const INFO_LINES = [
  "server_name|server_ip|site_id|type|record_time",
  "web1|10.0.0.1|SZ|cpu|10.5|2.5|0.5|86.5|2025-03-02 09:00:00",
  "web1|10.0.0.1|SZ|mem|1000|3000|200|4000|20250302090000",
  "web1|10.0.0.1|SZ|disk|/|40|100|2025-03-02 09:00:00",
  "web1|10.0.0.1|SZ|disk|/home|70|200|2025-03-02 09:00:00",
  "",
  "web1|10.0.0.1|SZ|cpu|10.5|2.5|0.5|86.5|2025-03-02 09:00:00",
  "web1|10.0.0.1|SZ|cpu|10.5|2.5|86.5|2025-03-02 09:01:00",
  "web1|10.0.0.1|SZ|cpu|abc|2.5|0.5|86.5|2025-03-02 09:01:00",
  "web1|10.0.0.1|SZ|gpu|1|2|3|4|2025-03-02 09:01:00",
  "web1|10.0.0.1|SZ|cpu|1|2|3|94|2025-02-30 09:01:00",
  "web1|10.0.0.1|BJ|cpu|1|2|3|94|2025-03-02 09:01:00",
  "web2|10.0.0.2|SZ|node|nginx|running|2025-03-02 09:00:00",
  "web2|10.0.0.2|SZ|cpu|20|5|1|74|2025-03-02 09:0",
];
const EXPECTED_BAD = [
  { lineNo: 8, reason: "8 fields where a cpu line has 9" },
  { lineNo: 9, reason: 'user_use: "abc" is not a number' },
  { lineNo: 10, reason: 'unknown type "gpu" (cpu, mem, disk, node)' },
  {
    lineNo: 11,
    reason: 'record_time: "2025-02-30 09:01:00" is not a time (YYYY-MM-DD HH:MM:SS or YYYYmmddHHMMSS)',
  },
  { lineNo: 12, reason: 'site_id "BJ" is not this site\'s ("SZ")' },
];

const ALARMS_YESTERDAY = iconv.encode(
  `${crlf([
    "SZ|CPU高|web1|CPU使用率超过90%|2025-03-01 08:00:00||2025-03-01 08:00:00",
    "SZ|磁盘满|web1|磁盘/home 使用率 95%|2025-03-01 09:00:00|2025-03-01 09:30:00|2025-03-01 09:30:00",
    "SZ|进程退出|web2|nginx 退出|a|b|2025-03-01 10:00:00||2025-03-01 10:00:00",
    "SZ|坏|web2|x|2025-03-01 25:00:00||2025-03-01 10:00:00",
  ])}\r\n`,
  "gbk",
);
const ALARMS_TODAY = Buffer.from(
  `${[
    "SZ|CPU高|web1|CPU使用率超过90%|2025-03-01 08:00:00|2025-03-02 08:10:00|2025-03-02 08:10:00",
    "SZ|磁盘满|web1|磁盘/home 使用率 95%|2025-03-01 09:00:00|2025-03-01 09:30:00|2025-03-01 09:30:00",
  ].join("\n")}\n`,
);
const SERVICE_TODAY = Buffer.from(
  `${[
    "SZ|10|2|1000|500|400|30|40|2025-03-02 09:00:00",
    "SZ|10|2|1000|500|400|30|40|2025-03-02 09:00:00",
    "SZ|10|2|x|500|400|30|40|2025-03-02 09:05:00",
    "SZ|11|2|1001|510|410|31|41|20250302091000",
  ].join("\n")}\n`,
);

async function counts(siteId: number) {
  const db = getDb();
  const [s] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(samples)
    .innerJoin(servers, eq(servers.id, samples.serverId))
    .where(eq(servers.siteId, siteId));
  const [c] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(serviceCounters)
    .where(eq(serviceCounters.siteId, siteId));
  const [a] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(alarms)
    .where(eq(alarms.siteId, siteId));
  return { samples: s?.n, counters: c?.n, alarms: a?.n };
}

async function badLines(siteId: number, file: string) {
  return getDb()
    .select({ lineNo: siteBadLines.lineNo, reason: siteBadLines.reason })
    .from(siteBadLines)
    .where(and(eq(siteBadLines.siteId, siteId), eq(siteBadLines.file, file)))
    .orderBy(asc(siteBadLines.lineNo));
}

describe.each([
  { honourRange: true, code: "SZ" },
  { honourRange: false, code: "SZ" },
])("pull from a server that honours Range: $honourRange", ({ honourRange, code }) => {
  let server: SiteFileServer;
  let siteId: number;
  const info = "/site/sys_monitor/system_info_20250302.txt";

  beforeAll(async () => {
    server = await startSiteFileServer({ honourRange });
    const db = getDb();
    await db.delete(sites).where(eq(sites.code, code));
    const [row] = await db
      .insert(sites)
      .values({ code, name: "深圳", baseUrl: server.baseUrl, timezone: "Asia/Shanghai" })
      .returning();
    siteId = row?.id as number;
    server.files.set(info, Buffer.concat([BOM, Buffer.from(crlf(INFO_LINES))]));
    server.files.set("/site/sys_alarm/system_alarm_20250301.txt", ALARMS_YESTERDAY);
    server.files.set("/site/sys_service/system_service_20250302.txt", SERVICE_TODAY);
  });
  afterAll(async () => server?.close());

  it("first pull: good lines land, bad lines are recorded with numbers, the partial line waits", async () => {
    const report = await pullSite(getDb(), siteId, { now: NOW });
    expect(report.files.map((f) => [f.file, f.status])).toEqual([
      ["system_info_20250301.txt", "missing"],
      ["system_alarm_20250301.txt", "ok"],
      ["system_service_20250301.txt", "missing"],
      ["system_info_20250302.txt", "ok"],
      ["system_alarm_20250302.txt", "missing"],
      ["system_service_20250302.txt", "ok"],
    ]);
    expect(await counts(siteId)).toEqual({ samples: 4, counters: 2, alarms: 3 });
    expect(await badLines(siteId, "system_info_20250302.txt")).toEqual(EXPECTED_BAD);
    expect(await badLines(siteId, "system_alarm_20250301.txt")).toEqual([
      {
        lineNo: 4,
        reason: 'alarm_time: "2025-03-01 25:00:00" is not a time (YYYY-MM-DD HH:MM:SS or YYYYmmddHHMMSS)',
      },
    ]);
    expect(await badLines(siteId, "system_service_20250302.txt")).toEqual([
      { lineNo: 3, reason: 'total_users: "x" is not a whole number' },
    ]);
    // The offset stops after the last complete line (line 13 and its CRLF).
    const whole = Buffer.concat([BOM, Buffer.from(crlf(INFO_LINES.slice(0, 13)))]).length + 2;
    const infoState = (await fileStates(getDb(), siteId)).find(
      (f) => f.kind === "info" && f.day === "2025-03-02",
    );
    expect(infoState).toMatchObject({ offset: whole, lines: 13, badLines: 5, encoding: "utf-8" });
    const alarmState = (await fileStates(getDb(), siteId)).find((f) => f.kind === "alarm");
    expect(alarmState).toMatchObject({ encoding: "gbk", lines: 4, isComplete: false });
    const nodes = await getDb().select().from(serverNodes);
    expect(nodes.map((n) => [n.node, n.state])).toEqual([["nginx", "running"]]);
    // GBK decoded; a description holding `|` kept whole; times in the site's zone.
    const rows = await getDb()
      .select()
      .from(alarms)
      .where(eq(alarms.siteId, siteId))
      .orderBy(alarms.raisedAt);
    expect(rows.map((a) => [a.name, a.node, a.description, a.raisedAt.toISOString(), a.resumedAt])).toEqual([
      ["CPU高", "web1", "CPU使用率超过90%", "2025-03-01T00:00:00.000Z", null],
      [
        "磁盘满",
        "web1",
        "磁盘/home 使用率 95%",
        "2025-03-01T01:00:00.000Z",
        new Date("2025-03-01T01:30:00Z"),
      ],
      ["进程退出", "web2", "nginx 退出|a|b", "2025-03-01T02:00:00.000Z", null],
    ]);
    const [cpu] = await getDb()
      .select()
      .from(samples)
      .where(eq(samples.kind, "cpu"))
      .innerJoin(servers, eq(servers.id, samples.serverId));
    expect(cpu?.samples).toMatchObject({ mount: "", v1: 10.5, v2: 2.5, v3: 0.5, v4: 86.5 });
    expect(cpu?.samples.at.toISOString()).toBe("2025-03-02T01:00:00.000Z");
    expect(cpu?.servers).toMatchObject({ name: "web1", ip: "10.0.0.1" });
  });

  it("second pull: appended lines (and the completed partial one) land; the alarm resumes from the next day's file", async () => {
    const had = server.files.get(info) as Buffer;
    server.files.set(
      info,
      Buffer.concat([had, Buffer.from("0:00\r\nweb2|10.0.0.2|SZ|cpu|21|5|1|73|2025-03-02 09:01:00\r\n")]),
    );
    server.files.set("/site/sys_alarm/system_alarm_20250302.txt", ALARMS_TODAY);
    const before = server.requests.length;
    const report = await pullSite(getDb(), siteId, { now: NOW });
    const infoPull = report.files.find((f) => f.file === "system_info_20250302.txt");
    expect(infoPull).toMatchObject({ restarted: false, rangeHonoured: honourRange });
    expect(infoPull?.counts).toMatchObject({ lines: 2, bad: 0, samples: 2 });
    const infoRequest = server.requests.slice(before).find((r) => r.path === info);
    expect(infoRequest?.status).toBe(honourRange ? 206 : 200);
    expect(infoRequest?.range).toMatch(/^bytes=\d+-$/);
    expect(await counts(siteId)).toEqual({ samples: 6, counters: 2, alarms: 3 });
    expect(await badLines(siteId, "system_info_20250302.txt")).toEqual(EXPECTED_BAD);
    const [a] = await getDb()
      .select()
      .from(alarms)
      .where(and(eq(alarms.siteId, siteId), eq(alarms.name, "CPU高")));
    expect(a?.resumedAt?.toISOString()).toBe("2025-03-02T00:10:00.000Z");
    expect(a?.lastRecordAt.toISOString()).toBe("2025-03-02T00:10:00.000Z");
    // Yesterday's alarm file brought nothing new after its grace: complete, not asked again.
    const states = await fileStates(getDb(), siteId);
    expect(states.filter((s) => s.day === "2025-03-01").every((s) => s.isComplete)).toBe(true);
    const again = await pullSite(getDb(), siteId, { now: NOW });
    expect(again.files.map((f) => f.file)).toEqual([
      "system_info_20250302.txt",
      "system_alarm_20250302.txt",
      "system_service_20250302.txt",
    ]);
    expect(again.totals).toMatchObject({ bytes: 0, samples: 0, alarmsNew: 0, alarmsUpdated: 0, counters: 0 });
    expect(await counts(siteId)).toEqual({ samples: 6, counters: 2, alarms: 3 });
  });

  it("a file replaced by a shorter one, then by a different longer one, is read again from its start", async () => {
    const shorter = "web3|10.0.0.3|SZ|cpu|1|1|1|97|2025-03-02 09:05:00\r\nbroken line\r\n";
    server.files.set(info, Buffer.from(shorter));
    let report = await pullSite(getDb(), siteId, { now: NOW });
    let pull = report.files.find((f) => f.file === "system_info_20250302.txt");
    expect(pull).toMatchObject({ restarted: true, offset: shorter.length });
    expect(pull?.counts).toMatchObject({ lines: 2, bad: 1, samples: 1 });
    // The old file's bad lines went with it; the new file's are numbered from its start.
    expect(await badLines(siteId, "system_info_20250302.txt")).toEqual([
      { lineNo: 2, reason: "1 field where a system_info line has 9" },
    ]);
    const longer = `${[
      "web4|10.0.0.4|SZ|cpu|2|2|2|94|2025-03-02 09:06:00",
      "web4|10.0.0.4|SZ|mem|1|2|3|4|2025-03-02 09:06:00",
      "web1|10.0.0.1|SZ|cpu|10.5|2.5|0.5|86.5|2025-03-02 09:00:00",
    ].join("\r\n")}\r\n`;
    server.files.set(info, Buffer.from(longer));
    report = await pullSite(getDb(), siteId, { now: NOW });
    pull = report.files.find((f) => f.file === "system_info_20250302.txt");
    expect(pull).toMatchObject({ restarted: true, offset: longer.length });
    // The third line was stored by the first pull: idempotency keeps it once.
    expect(pull?.counts).toMatchObject({ lines: 3, bad: 0, samples: 2 });
    expect(await badLines(siteId, "system_info_20250302.txt")).toEqual([]);
    expect(await counts(siteId)).toEqual({ samples: 9, counters: 2, alarms: 3 });
    const state = (await fileStates(getDb(), siteId)).find(
      (f) => f.kind === "info" && f.day === "2025-03-02",
    );
    expect(state).toMatchObject({ offset: longer.length, lines: 3, badLines: 0 });
  });
});
