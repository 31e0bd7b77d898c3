import { describe, expect, it } from "vitest";
import { getUser } from "../../server/auth/users";
import { getDb } from "../../server/db/client";
import { formatInstant, formatInstantText, zoneLabel } from "../../server/lib/local-time";
import { callerFor, httpCall, makeUser } from "../helpers/users";

describe("a user's display zone", () => {
  it("starts unset, takes the browser's zone once, and never lets it override a chosen zone", async () => {
    const user = await makeUser("viewer");
    expect(user.timeZone).toBeNull();
    const me = callerFor(user);
    await me.account.setTimeZone({ timeZone: "Asia/Shanghai", ifUnset: true });
    const first = await getUser(getDb(), user.id);
    expect(first?.timeZone).toBe("Asia/Shanghai");
    // Another device in another zone reports its own: the saved one stays.
    await callerFor(first ?? null).account.setTimeZone({ timeZone: "Europe/Berlin", ifUnset: true });
    expect((await getUser(getDb(), user.id))?.timeZone).toBe("Asia/Shanghai");
    // The account page's choice does change it.
    await callerFor(first ?? null).account.setTimeZone({ timeZone: "America/New_York" });
    expect((await getUser(getDb(), user.id))?.timeZone).toBe("America/New_York");
  });

  it("refuses a zone that does not exist, on the field", async () => {
    const user = await makeUser("viewer");
    const res = await httpCall(user, "account.setTimeZone", { timeZone: "Mars/Olympus" });
    expect(res.status).toBe(400);
    expect(res.error?.data.fieldErrors).toEqual({ timeZone: ['unknown time zone "Mars/Olympus"'] });
    expect((await getUser(getDb(), user.id))?.timeZone).toBeNull();
    // In Chinese the refusal still names the zone (the catalog's message takes it).
    const zh = { ...user, locale: "zh-CN" as const };
    const res2 = await httpCall(zh, "account.setTimeZone", { timeZone: "Mars/Olympus" });
    expect(res2.error?.data.fieldErrors).toEqual({ timeZone: ["未知时区“Mars/Olympus”"] });
  });
});

describe("formatInstant: one rule for every absolute time", () => {
  const at = new Date("2025-03-01T09:50:39Z");

  it("shows an instant in the reader's zone without a label", () => {
    expect(formatInstant(at, { readerZone: "Asia/Shanghai" })).toEqual({
      text: "2025-03-01 17:50:39",
      zone: null,
    });
    expect(formatInstant(at, { readerZone: "UTC", seconds: false })).toEqual({
      text: "2025-03-01 09:50",
      zone: null,
    });
  });

  it("labels an instant shown in another zone when its clock differs from the reader's", () => {
    expect(formatInstant(at, { readerZone: "UTC", timeZone: "Asia/Shanghai" })).toEqual({
      text: "2025-03-01 17:50:39",
      zone: "GMT+8",
    });
    expect(formatInstantText(at, { readerZone: "Asia/Shanghai", timeZone: "UTC" })).toBe(
      "2025-03-01 09:50:39 UTC",
    );
    expect(formatInstantText(at, { readerZone: "Asia/Kolkata", timeZone: "America/St_Johns" })).toBe(
      "2025-03-01 06:20:39 GMT-3:30",
    );
    // Another name for the same clock at that instant: nothing to say.
    expect(formatInstant(at, { readerZone: "Asia/Shanghai", timeZone: "Asia/Hong_Kong" }).zone).toBeNull();
  });

  it("labels follow daylight saving and say UTC for a zero offset", () => {
    expect(zoneLabel(new Date("2025-01-15T12:00:00Z"), "Europe/Berlin")).toBe("GMT+1");
    expect(zoneLabel(new Date("2025-07-15T12:00:00Z"), "Europe/Berlin")).toBe("GMT+2");
    expect(zoneLabel(new Date("2025-01-15T12:00:00Z"), "Europe/London")).toBe("UTC");
  });
});
