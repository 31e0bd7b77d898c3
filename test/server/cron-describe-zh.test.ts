/** Chinese schedule descriptions that read like a person wrote them (issue 10), by table. */
import { describe, expect, it } from "vitest";
import { parseCron } from "../../server/cron/cron";

const TABLE: [expression: string, zh: string][] = [
  ["0 23-7 * * *", "每天 23:00 至次日 07:00，每小时整点"],
  ["30 9 * * 1-5", "周一至周五 09:30"],
  ["30 9 * * MON-FRI", "周一至周五 09:30"],
  ["0 9 * * *", "每天 09:00"],
  ["0 2 * * *", "每天 02:00"],
  ["0 9,18 * * *", "每天 09:00、18:00"],
  ["*/5 * * * *", "每 5 分钟"],
  ["* * * * *", "每分钟"],
  ["0 * * * *", "每小时整点"],
  ["15 * * * *", "每小时第 15 分"],
  ["0 */2 * * *", "每 2 小时整点"],
  ["*/10 * * * * *", "每 10 秒"],
  ["0 */15 8-18 * * ?", "每天 08:00 至 18:59，每 15 分钟"],
  ["0 */1 * * *", "每小时整点"],
  ["*/15 8-18 * * 1-5", "周一至周五 08:00 至 18:59，每 15 分钟"],
  ["0 0 1 * *", "每月 1 日 00:00"],
  ["0 8 1,15 * *", "每月 1 日、15 日 08:00"],
  ["0 3 L * *", "每月最后一天 03:00"],
  ["15 10 * * 0", "每周日 10:15"],
  ["0 10 * * 1,3,5", "每周一、周三、周五 10:00"],
  ["0 0 * * 6,0", "周末 00:00"],
  ["0 12 25 12 *", "每年 12 月 25 日 12:00"],
  ["0 30 9 * * *", "每天 09:30"],
  ["5 30 9 * * *", "每天 09:30:05"],
  ["@daily", "每天 00:00"],
  ["@hourly", "每小时整点"],
  ["*/5 * * * 1-5", "周一至周五，每 5 分钟"],
];

describe("cron: Chinese descriptions", () => {
  for (const [expression, zh] of TABLE) {
    it(`${expression} → ${zh}`, () => {
      expect(parseCron(expression, "Asia/Shanghai").describe("zh-CN")).toBe(zh);
    });
  }

  it("tidies cronstrue's text for shapes not written by hand: full-width commas, no 在", () => {
    for (const expression of ["0 9 1-7 * 1", "10-20 * * * *", "0 0 ? */2 MON#2"]) {
      const text = parseCron(expression, "UTC").describe("zh-CN");
      expect(text, expression).not.toMatch(/,|在\d|\s{2}/);
      expect(text, expression).toMatch(/[\u4e00-\u9fff]/);
    }
  });
});
