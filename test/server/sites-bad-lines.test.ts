/**
 * Issue 12: a bad line's reason is stored as a code and values and read in the reader's
 * language on the site's page (sites.badLines renders it with the caller's locale); rows
 * stored before codes existed (English words only) still read as they were written.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { PublicUser } from "../../server/auth/users";
import { getDb } from "../../server/db/client";
import { siteBadLines } from "../../server/db/schema";
import { createCaller } from "../../server/router";
import { ingestBytes } from "../../server/sites/ingest";
import { callerFor, makeUser } from "../helpers/users";

let user: PublicUser;
let site: { id: number; code: string; timezone: string };

const asLocale = (locale: "en" | "zh-CN") => createCaller({ db: getDb(), user, ip: null, locale });

beforeAll(async () => {
  user = await makeUser("operator");
  site = await callerFor(user).sites.create({ code: "BL", name: "Bad lines", timezone: "Asia/Shanghai" });
  const info = [
    "web1|10.0.0.1|BL|cpu|1|2|3|94|2025-03-02 09:00:00",
    "web1|10.0.0.1|BL|cpu|1|2|3|2025-03-02 09:00:00",
    "web1|10.0.0.1|BL|cpu|abc|2|3|94|2025-03-02 09:00:00",
    "web1|10.0.0.1|BL|gpu|1|2|3|94|2025-03-02 09:00:00",
    "web1|10.0.0.1|XX|cpu|1|2|3|94|2025-03-02 09:00:00",
    "web1|10.0.0.1|BL|cpu|1|2|3|94|2025-02-30 09:00:00",
    "web1|10.0.0.1|BL|disk||2|3|2025-03-02 09:00:00",
  ].join("\n");
  await ingestBytes(getDb(), site, "info", "system_info_20250302.txt", Buffer.from(info));
  const service = ["BL|1|2|3|4|5|6|x|2025-03-02 09:00:00", "BL|1|2|3|4|5|6|7|20250302250000"].join("\n");
  await ingestBytes(getDb(), site, "service", "system_service_20250302.txt", Buffer.from(service));
  const alarm = "BL|disk full||/ is 99 %|2025-03-02 09:00:00|soon|2025-03-02 09:00:00";
  await ingestBytes(getDb(), site, "alarm", "system_alarm_20250302.txt", Buffer.from(alarm));
  // A row from before reason codes: English words, no code.
  await getDb().insert(siteBadLines).values({
    siteId: site.id,
    file: "system_info_20250301.txt",
    lineNo: 7,
    reason: "an old reason in English",
    raw: "old|line",
  });
});

const byLine = (items: { file: string; lineNo: number; reason: string }[]) =>
  Object.fromEntries(
    items.map((b) => [
      `${b.file.replace(/^system_|_\d{8}\.txt$/g, "")}${b.file.includes("0301") ? "-old" : ""}:${b.lineNo}`,
      b.reason,
    ]),
  );

describe("bad-line reasons", () => {
  it("are stored as codes with their values, and the English words beside them", async () => {
    const rows = await getDb().select().from(siteBadLines);
    const notNumber = rows.find((r) => r.lineNo === 3 && r.file.startsWith("system_info_20250302"));
    expect(notNumber).toMatchObject({
      reasonCode: "notNumber",
      reasonParams: { field: "user_use", value: "abc" },
      reason: 'user_use: "abc" is not a number',
    });
  });

  it("read in English", async () => {
    const list = await asLocale("en").sites.badLines({ id: site.id });
    expect(byLine(list.items)).toEqual({
      "info:2": "8 fields where a cpu line has 9",
      "info:3": 'user_use: "abc" is not a number',
      "info:4": 'unknown type "gpu" (cpu, mem, disk, node)',
      "info:5": 'site_id "XX" is not this site\'s ("BL")',
      "info:6": 'record_time: "2025-02-30 09:00:00" is not a time (YYYY-MM-DD HH:MM:SS or YYYYmmddHHMMSS)',
      "info:7": "mount is empty",
      "service:1": 'mt_times: "x" is not a whole number',
      "service:2": 'record_time: "20250302250000" is not a time (YYYY-MM-DD HH:MM:SS or YYYYmmddHHMMSS)',
      "alarm:1": "alarm_node is empty",
      "info-old:7": "an old reason in English",
    });
  });

  it("read in Chinese, the old row as it was stored", async () => {
    const list = await asLocale("zh-CN").sites.badLines({ id: site.id });
    const zh = byLine(list.items);
    expect(zh["info:2"]).toBe("有 8 个字段，cpu 行应有 9 个");
    expect(zh["info:3"]).toBe("user_use：“abc”不是数字");
    expect(zh["info:4"]).toBe("未知类型“gpu”（应为 cpu、mem、disk、node）");
    expect(zh["service:1"]).toBe("mt_times：“x”不是整数");
    expect(zh["alarm:1"]).toBe("alarm_node 为空");
    const old = list.items.find((b) => b.file === "system_info_20250301.txt");
    expect(old).toMatchObject({ lineNo: 7, reason: "an old reason in English", code: null });
    const coded = list.items.find((b) => b.lineNo === 3 && b.file === "system_info_20250302.txt");
    expect(coded).toMatchObject({ code: "notNumber", params: { field: "user_use", value: "abc" } });
  });
});
