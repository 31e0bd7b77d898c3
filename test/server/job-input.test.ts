import { describe, expect, it } from "vitest";
import { parseCron } from "../../server/cron/cron";
import { ZJobInput } from "../../server/jobs/schema";

const issuesOf = (input: unknown) => {
  const r = ZJobInput.safeParse(input);
  return Object.fromEntries((r.error?.issues ?? []).map((i) => [i.path.join("."), i.message]));
};

describe("job input checks", () => {
  it("reports every bad field of a save at once, plain and cross-field", () => {
    const issues = issuesOf({
      name: "",
      cron: "61 * * * *",
      timezone: "Mars/Base",
      mode: "http",
      command: "【url】notaurl",
      retries: 99,
    });
    expect(Object.keys(issues).sort()).toEqual(["command", "cron", "name", "retries", "timezone"]);
    // An unknown zone has its own message, not a schedule error.
    expect(issues.timezone).toBe('unknown time zone "Mars/Base"');
    expect(issues.cron).toMatch(/minute 61/);
  });

  it("accepts a clean job", () => {
    expect(
      issuesOf({
        name: "ok",
        cron: "0 * * * *",
        timezone: "UTC",
        mode: "http",
        command: "【url】http://a.b/",
      }),
    ).toEqual({});
  });
});

describe("Quartz habits", () => {
  it("reads N/step as N-max/step, and says so", () => {
    const s = parseCron("0 0/15 8-18 * * ?", "Asia/Shanghai");
    expect(s.normalized).toBe("0 0-59/15 8-18 * * *");
    expect(s.readings).toEqual([{ token: "0/15", as: "0-59/15" }]);
    const fires = s.nextN(new Date("2025-03-03T00:00:00Z"), 3).map((d) => d.toISOString());
    // 08:00, 08:15, 08:30 in Shanghai.
    expect(fires).toEqual([
      "2025-03-03T00:15:00.000Z",
      "2025-03-03T00:30:00.000Z",
      "2025-03-03T00:45:00.000Z",
    ]);
    expect(parseCron("5/20 * * * *", "UTC").readings).toEqual([{ token: "5/20", as: "5-59/20" }]);
    expect(parseCron("*/15 * * * *", "UTC").readings).toEqual([]);
  });
});
