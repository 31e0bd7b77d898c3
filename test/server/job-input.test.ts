import { describe, expect, it } from "vitest";
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
