/**
 * The logs and audit pages' from/to inputs are read and shown in the reader's display zone, not
 * the device's: the datetime-local text ↔ instant pair in server/lib/local-time.ts, across the
 * zones and DST days the pages meet.
 */
import { describe, expect, it } from "vitest";
import { instantOfLocalInput, localInputValue, localMidnight } from "../../server/lib/local-time";

const NY = "America/New_York";

describe("datetime-local text in a display zone", () => {
  it.each([
    ["2026-03-01T08:00", "Asia/Shanghai", "2026-03-01T00:00:00.000Z"],
    ["2026-03-01T08:00", "UTC", "2026-03-01T08:00:00.000Z"],
    ["2026-07-01T08:00", NY, "2026-07-01T12:00:00.000Z"],
    ["2026-01-01T08:00", NY, "2026-01-01T13:00:00.000Z"],
    ["2026-03-01T08:00:30", "Asia/Kolkata", "2026-03-01T02:30:30.000Z"],
    // The hour the clock repeats (New York falls back at 02:00 EDT): its first occurrence.
    ["2026-11-01T01:30", NY, "2026-11-01T05:30:00.000Z"],
    // The hour the clock skips (02:00 → 03:00 EST → EDT): a real instant an hour away.
    ["2026-03-08T02:30", NY, "2026-03-08T06:30:00.000Z"],
  ])("%s in %s is %s", (text, zone, iso) => {
    expect(instantOfLocalInput(text, zone)?.toISOString()).toBe(iso);
  });

  it("refuses what a datetime-local input never holds", () => {
    for (const text of [
      "",
      "2026-03-01",
      "2026-03-01 08:00",
      "2026-03-01T08:00Z",
      "08:00",
      "2026-13-01T08:00",
    ]) {
      expect(instantOfLocalInput(text, "UTC"), text).toBeNull();
    }
  });

  it("shows an instant as the input's text in the zone, and reads it back to the minute", () => {
    const at = new Date("2026-03-01T00:00:00Z");
    expect(localInputValue(at, "Asia/Shanghai")).toBe("2026-03-01T08:00");
    expect(localInputValue(at, NY)).toBe("2026-02-28T19:00");
    for (const zone of ["Asia/Shanghai", NY, "Europe/Berlin", "UTC", "Australia/Lord_Howe"]) {
      for (const iso of ["2026-03-08T07:00:00Z", "2026-11-01T05:30:00Z", "2026-06-15T23:59:00Z"]) {
        const back = instantOfLocalInput(localInputValue(new Date(iso), zone), zone);
        expect(back?.toISOString(), `${iso} in ${zone}`).toBe(new Date(iso).toISOString());
      }
    }
  });

  it("reads a midnight as localMidnight does (one implementation)", () => {
    for (const zone of [NY, "Asia/Shanghai", "Europe/Berlin"]) {
      expect(instantOfLocalInput("2026-03-08T00:00", zone)).toEqual(localMidnight("2026-03-08", zone));
    }
  });
});
