import { Cron } from "croner";
import { describe, expect, it } from "vitest";
import { CronError, cronRefusal, explainCronError, isValidTimeZone, parseCron } from "../../server/cron/cron";
import { localizedMessage } from "../../server/i18n/errors";
import { englishSentences } from "../helpers/english";

const MINUTE = 60_000;
const DAY = 86_400_000;

/** ISO instants, normalised, so expectations can be written with the local offset. */
function iso(values: readonly string[]): string[] {
  return values.map((value) => new Date(value).toISOString());
}

function fires(expression: string, timezone: string, after: string, n: number): string[] {
  return parseCron(expression, timezone)
    .nextN(new Date(after), n)
    .map((d) => d.toISOString());
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/** The zone's UTC offset at an instant, as Intl reports it ("GMT-04:00"). */
function offsetName(timezone: string, instant: string | number): string {
  let formatter = offsetFormatters.get(timezone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", { timeZone: timezone, timeZoneName: "longOffset" });
    offsetFormatters.set(timezone, formatter);
  }
  return formatter.formatToParts(new Date(instant)).find((p) => p.type === "timeZoneName")?.value ?? "";
}

function offsetMs(timezone: string, instant: number): number {
  const name = offsetName(timezone, instant);
  const match = /^GMT(?:([+-])(\d\d):(\d\d))?$/.exec(name);
  if (!match) throw new Error(`unexpected offset ${name}`);
  const [, sign, hours = "0", minutes = "0"] = match;
  return (sign === "-" ? -1 : 1) * (Number(hours) * 60 + Number(minutes)) * MINUTE;
}

// The seed's examples, from the users' own docs. Times are local wall times; every vector runs
// in UTC and in Asia/Shanghai (no DST since 1991), starting at local midnight of Thursday
// 2026-01-01, so the same local times apply to both.
const SEED_VECTORS: { expression: string; fires: string[] }[] = [
  {
    expression: "30 21 * * *",
    fires: ["2026-01-01T21:30:00", "2026-01-02T21:30:00", "2026-01-03T21:30:00"],
  },
  {
    expression: "45 4 1,10,22 * *",
    fires: ["2026-01-01T04:45:00", "2026-01-10T04:45:00", "2026-01-22T04:45:00", "2026-02-01T04:45:00"],
  },
  {
    // Standard cron numbering: 5 = Friday, 6 = Saturday (the seed's author read it as
    // APScheduler's Sat/Sun). 2026-01-02 is a Friday.
    expression: "10 1 * * 5,6",
    fires: ["2026-01-02T01:10:00", "2026-01-03T01:10:00", "2026-01-09T01:10:00", "2026-01-10T01:10:00"],
  },
  {
    expression: "0,30 18-23 * * *",
    fires: [
      "2026-01-01T18:00:00",
      "2026-01-01T18:30:00",
      "2026-01-01T19:00:00",
      "2026-01-01T19:30:00",
      "2026-01-01T20:00:00",
      "2026-01-01T20:30:00",
      "2026-01-01T21:00:00",
      "2026-01-01T21:30:00",
      "2026-01-01T22:00:00",
      "2026-01-01T22:30:00",
      "2026-01-01T23:00:00",
      "2026-01-01T23:30:00",
      "2026-01-02T18:00:00",
    ],
  },
  { expression: "0 23 * * 6", fires: ["2026-01-03T23:00:00", "2026-01-10T23:00:00", "2026-01-17T23:00:00"] },
  { expression: "0 */1 * * *", fires: ["2026-01-01T01:00:00", "2026-01-01T02:00:00", "2026-01-01T03:00:00"] },
  {
    // Wraps past midnight: 23, 0, 1, ..., 7.
    expression: "0 23-7/1 * * *",
    fires: [
      "2026-01-01T01:00:00",
      "2026-01-01T02:00:00",
      "2026-01-01T03:00:00",
      "2026-01-01T04:00:00",
      "2026-01-01T05:00:00",
      "2026-01-01T06:00:00",
      "2026-01-01T07:00:00",
      "2026-01-01T23:00:00",
      "2026-01-02T00:00:00",
    ],
  },
  {
    // Day 4 OR Monday-Wednesday (Vixie cron): Sun 4th, Mon 5th, Tue 6th, Wed 7th, Mon 12th.
    expression: "0 11 4 * mon-wed",
    fires: [
      "2026-01-04T11:00:00",
      "2026-01-05T11:00:00",
      "2026-01-06T11:00:00",
      "2026-01-07T11:00:00",
      "2026-01-12T11:00:00",
    ],
  },
  { expression: "0 4 1 jan *", fires: ["2026-01-01T04:00:00", "2027-01-01T04:00:00", "2028-01-01T04:00:00"] },
  // 6 fields: seconds first.
  { expression: "* * * * * *", fires: ["2026-01-01T00:00:01", "2026-01-01T00:00:02", "2026-01-01T00:00:03"] },
  { expression: "0 * * * * *", fires: ["2026-01-01T00:01:00", "2026-01-01T00:02:00", "2026-01-01T00:03:00"] },
  { expression: "0 0 2 * * *", fires: ["2026-01-01T02:00:00", "2026-01-02T02:00:00", "2026-01-03T02:00:00"] },
  { expression: "0 30 9 * * *", fires: ["2026-01-01T09:30:00", "2026-01-02T09:30:00"] },
  { expression: "0 0 0 * * 1", fires: ["2026-01-05T00:00:00", "2026-01-12T00:00:00", "2026-01-19T00:00:00"] },
  { expression: "0 0 0 1 * *", fires: ["2026-02-01T00:00:00", "2026-03-01T00:00:00", "2026-04-01T00:00:00"] },
  {
    expression: "0 */2 * * * *",
    fires: ["2026-01-01T00:02:00", "2026-01-01T00:04:00", "2026-01-01T00:06:00"],
  },
  {
    expression: "0 0 */1 * * *",
    fires: ["2026-01-01T01:00:00", "2026-01-01T02:00:00", "2026-01-01T03:00:00"],
  },
];

const SEED_ZONES = [
  { timezone: "UTC", offset: "Z" },
  { timezone: "Asia/Shanghai", offset: "+08:00" },
];

describe("cron: seed examples", () => {
  for (const { timezone, offset } of SEED_ZONES) {
    for (const vector of SEED_VECTORS) {
      it(`${vector.expression} in ${timezone}`, () => {
        const local = (wall: string) => `${wall}${offset}`;
        expect(fires(vector.expression, timezone, local("2026-01-01T00:00:00"), vector.fires.length)).toEqual(
          iso(vector.fires.map(local)),
        );
      });
    }
  }

  it("Asia/Shanghai has no DST (checked with Intl)", () => {
    for (const month of ["01", "04", "07", "10"]) {
      expect(offsetName("Asia/Shanghai", `2026-${month}-15T00:00:00Z`)).toBe("GMT+08:00");
    }
    expect(fires("30 21 * * *", "Asia/Shanghai", "2026-07-01T00:00:00+08:00", 1)).toEqual(
      iso(["2026-07-01T21:30:00+08:00"]),
    );
  });
});

describe("cron: syntax", () => {
  const after = "2026-01-01T00:00:00Z";

  it("reads month and weekday names in any case", () => {
    expect(fires("0 4 1 JAN *", "UTC", after, 2)).toEqual(fires("0 4 1 1 *", "UTC", after, 2));
    expect(fires("0 0 * * MON-wed", "UTC", after, 6)).toEqual(fires("0 0 * * 1-3", "UTC", after, 6));
    expect(fires("0 0 * * Sat,sUN", "UTC", after, 4)).toEqual(
      iso(["2026-01-03T00:00:00Z", "2026-01-04T00:00:00Z", "2026-01-10T00:00:00Z", "2026-01-11T00:00:00Z"]),
    );
    expect(parseCron("0 0 1 Jan-MAR Mon", "UTC").normalized).toBe("0 0 0 1 1-3 1");
  });

  it("treats ? as * in day of month and day of week", () => {
    expect(parseCron("0 0 ? * MON", "UTC").normalized).toBe("0 0 0 * * 1");
    expect(fires("0 0 ? * MON", "UTC", after, 2)).toEqual(
      iso(["2026-01-05T00:00:00Z", "2026-01-12T00:00:00Z"]),
    );
    expect(fires("0 12 1 * ?", "UTC", after, 2)).toEqual(
      iso(["2026-01-01T12:00:00Z", "2026-02-01T12:00:00Z"]),
    );
  });

  it("reads day of week 7 as Sunday", () => {
    const sundays = iso(["2026-01-04T00:00:00Z", "2026-01-11T00:00:00Z"]);
    expect(fires("0 0 * * 7", "UTC", after, 2)).toEqual(sundays);
    expect(fires("0 0 * * 0", "UTC", after, 2)).toEqual(sundays);
    expect(fires("0 0 * * sun", "UTC", after, 2)).toEqual(sundays);
    expect(fires("0 0 * * 7-7", "UTC", after, 2)).toEqual(sundays);
    // Friday through Sunday, and Sunday through Tuesday.
    expect(fires("0 0 * * 5-7", "UTC", after, 3)).toEqual(
      iso(["2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z", "2026-01-04T00:00:00Z"]),
    );
    expect(fires("0 0 * * 7-2", "UTC", after, 3)).toEqual(
      iso(["2026-01-04T00:00:00Z", "2026-01-05T00:00:00Z", "2026-01-06T00:00:00Z"]),
    );
  });

  it("ORs day of month and day of week when both are restricted (Vixie cron)", () => {
    // The 13th OR any Friday; 2026-01-02 is a Friday, 2026-02-13 is one too.
    expect(fires("0 0 13 * fri", "UTC", after, 5)).toEqual(
      iso([
        "2026-01-02T00:00:00Z",
        "2026-01-09T00:00:00Z",
        "2026-01-13T00:00:00Z",
        "2026-01-16T00:00:00Z",
        "2026-01-23T00:00:00Z",
      ]),
    );
  });

  it("ANDs them when one field starts with * (Vixie cron's rule for `*/2`)", () => {
    // Odd days that are Mondays: Jan 5, Jan 19, Feb 9.
    expect(fires("0 0 */2 * mon", "UTC", after, 3)).toEqual(
      iso(["2026-01-05T00:00:00Z", "2026-01-19T00:00:00Z", "2026-02-09T00:00:00Z"]),
    );
  });

  it("supports lists, ranges and steps", () => {
    expect(fires("1-10/4 0 * * * *", "UTC", after, 3)).toEqual(
      iso(["2026-01-01T00:00:01Z", "2026-01-01T00:00:05Z", "2026-01-01T00:00:09Z"]),
    );
    expect(fires("*/5 * * * *", "UTC", after, 2)).toEqual(
      iso(["2026-01-01T00:05:00Z", "2026-01-01T00:10:00Z"]),
    );
    expect(fires("5,10-11 1 * * *", "UTC", after, 4)).toEqual(
      iso(["2026-01-01T01:05:00Z", "2026-01-01T01:10:00Z", "2026-01-01T01:11:00Z", "2026-01-02T01:05:00Z"]),
    );
  });

  it("expands ranges that wrap past the end of the field", () => {
    expect(parseCron("0 22-3/2 * * *", "UTC").normalized).toBe("0 0 22,0,2 * * *");
    expect(parseCron("0 0 * * fri-mon", "UTC").normalized).toBe("0 0 0 * * 5,6,0,1");
    expect(parseCron("0 0 * nov-feb *", "UTC").normalized).toBe("0 0 0 * 11,12,1,2 *");
    expect(parseCron("0 0 28-3 * *", "UTC").normalized).toBe("0 0 0 28,29,30,31,1,2,3 * *");
    expect(parseCron("0 0 * * sat-sun", "UTC").normalized).toBe("0 0 0 * * 6,0");
    expect(parseCron("50-10/5 * * * * *", "UTC").normalized).toBe("50,55,0,5,10 * * * * *");
    expect(fires("0 22-3/2 * * *", "UTC", after, 4)).toEqual(
      iso(["2026-01-01T02:00:00Z", "2026-01-01T22:00:00Z", "2026-01-02T00:00:00Z", "2026-01-02T02:00:00Z"]),
    );
    // 2026-01-02 is a Friday: Fri, Sat, Sun, Mon, then Fri again.
    expect(fires("0 0 * * fri-mon", "UTC", after, 5)).toEqual(
      iso([
        "2026-01-02T00:00:00Z",
        "2026-01-03T00:00:00Z",
        "2026-01-04T00:00:00Z",
        "2026-01-05T00:00:00Z",
        "2026-01-09T00:00:00Z",
      ]),
    );
    expect(fires("0 0 1 nov-feb *", "UTC", after, 4)).toEqual(
      iso(["2026-02-01T00:00:00Z", "2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z"]),
    );
    // February has no 29-31 in 2026.
    expect(fires("0 0 28-3 * *", "UTC", "2026-02-01T00:00:00Z", 5)).toEqual(
      iso([
        "2026-02-02T00:00:00Z",
        "2026-02-03T00:00:00Z",
        "2026-02-28T00:00:00Z",
        "2026-03-01T00:00:00Z",
        "2026-03-02T00:00:00Z",
      ]),
    );
  });

  it("keeps the expression tidy and reports what it parsed", () => {
    const schedule = parseCron("  30   21 * *  * ", "Asia/Shanghai");
    expect(schedule.expression).toBe("30 21 * * *");
    expect(schedule.normalized).toBe("0 30 21 * * *");
    expect(schedule.hasSeconds).toBe(false);
    expect(schedule.timezone).toBe("Asia/Shanghai");
    expect(parseCron("0 0 2 * * *", "UTC").hasSeconds).toBe(true);
  });

  it("classifies fixed-time schedules by the hour field", () => {
    const fixed = ["30 2 * * *", "0 23-7/1 * * *", "0,30 18-23 * * *", "0 0 2 * * *", "*/5 1 * * *"];
    const interval = [
      "0 * * * *",
      "0 */1 * * *",
      "*/30 * * * *",
      "*/10 * * * * *",
      "0 0 */2 * * *",
      "0 * * * * *",
    ];
    for (const expression of fixed) expect(parseCron(expression, "UTC").isFixedTime, expression).toBe(true);
    for (const expression of interval)
      expect(parseCron(expression, "UTC").isFixedTime, expression).toBe(false);
  });

  it("passes croner's L, W and # through", () => {
    expect(fires("0 0 L * *", "UTC", after, 2)).toEqual(
      iso(["2026-01-31T00:00:00Z", "2026-02-28T00:00:00Z"]),
    );
    expect(fires("0 0 * * fri#2", "UTC", after, 2)).toEqual(
      iso(["2026-01-09T00:00:00Z", "2026-02-13T00:00:00Z"]),
    );
  });

  it("returns the first fire strictly after the given instant", () => {
    const schedule = parseCron("* * * * * *", "UTC");
    expect(schedule.next(new Date("2026-01-01T00:00:00.000Z"))?.toISOString()).toBe(
      "2026-01-01T00:00:01.000Z",
    );
    expect(schedule.next(new Date("2026-01-01T00:00:00.999Z"))?.toISOString()).toBe(
      "2026-01-01T00:00:01.000Z",
    );
    expect(parseCron("0 0 0 * * *", "UTC").next(new Date("2026-01-01T00:00:00Z"))?.toISOString()).toBe(
      "2026-01-02T00:00:00.000Z",
    );
  });

  it("returns null beyond about five years", () => {
    const leapDay = parseCron("0 0 29 2 *", "UTC");
    expect(leapDay.next(new Date("2026-01-01T00:00:00Z"))?.toISOString()).toBe("2028-02-29T00:00:00.000Z");
    // 2100 is not a leap year: the next Feb 29 after 2096 is in 2104.
    expect(leapDay.next(new Date("2096-03-01T00:00:00Z"))).toBeNull();
    expect(leapDay.nextN(new Date("2026-01-01T00:00:00Z"), 3).map((d) => d.toISOString())).toEqual(
      iso(["2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z", "2036-02-29T00:00:00Z"]),
    );
  });
});

describe("cron: DST", () => {
  it("uses the transition dates this test relies on (checked with Intl)", () => {
    const facts: [string, string, string][] = [
      // America/New_York 2026-03-08: 02:00 EST becomes 03:00 EDT at 07:00Z.
      ["America/New_York", "2026-03-08T06:59:59Z", "GMT-05:00"],
      ["America/New_York", "2026-03-08T07:00:00Z", "GMT-04:00"],
      // 2026-11-01: 02:00 EDT becomes 01:00 EST at 06:00Z; 01:00-01:59 happens twice.
      ["America/New_York", "2026-11-01T05:59:59Z", "GMT-04:00"],
      ["America/New_York", "2026-11-01T06:00:00Z", "GMT-05:00"],
      // Europe/Berlin 2026-03-29: 02:00 CET becomes 03:00 CEST at 01:00Z.
      ["Europe/Berlin", "2026-03-29T00:59:59Z", "GMT+01:00"],
      ["Europe/Berlin", "2026-03-29T01:00:00Z", "GMT+02:00"],
      // 2026-10-25: 03:00 CEST becomes 02:00 CET at 01:00Z; 02:00-02:59 happens twice.
      ["Europe/Berlin", "2026-10-25T00:59:59Z", "GMT+02:00"],
      ["Europe/Berlin", "2026-10-25T01:00:00Z", "GMT+01:00"],
    ];
    for (const [timezone, instant, offset] of facts)
      expect(offsetName(timezone, instant), instant).toBe(offset);
  });

  const NY = "America/New_York";
  const BERLIN = "Europe/Berlin";
  const vectors: { name: string; expression: string; timezone: string; after: string; fires: string[] }[] = [
    {
      name: "fixed 02:30 runs at 03:30 EDT on the spring-forward day",
      expression: "30 2 * * *",
      timezone: NY,
      after: "2026-03-07T00:00:00-05:00",
      fires: ["2026-03-07T02:30:00-05:00", "2026-03-08T03:30:00-04:00", "2026-03-09T02:30:00-04:00"],
    },
    {
      name: "fixed 02:30 runs once on the fall-back day",
      expression: "30 2 * * *",
      timezone: NY,
      after: "2026-10-31T00:00:00-04:00",
      fires: ["2026-10-31T02:30:00-04:00", "2026-11-01T02:30:00-05:00", "2026-11-02T02:30:00-05:00"],
    },
    {
      name: "fixed 01:30 runs once, at its first occurrence, on the fall-back day",
      expression: "30 1 * * *",
      timezone: NY,
      after: "2026-10-31T12:00:00-04:00",
      fires: ["2026-11-01T05:30:00Z", "2026-11-02T01:30:00-05:00"],
    },
    {
      name: "fixed range of hours: the shifted 02:00 and 03:00 coincide and run once",
      expression: "0 1-3 * * *",
      timezone: NY,
      after: "2026-03-08T00:00:00-05:00",
      fires: ["2026-03-08T01:00:00-05:00", "2026-03-08T03:00:00-04:00", "2026-03-09T01:00:00-04:00"],
    },
    {
      name: "fixed range of hours on the fall-back day: 01:00 once",
      expression: "0 1-3 * * *",
      timezone: NY,
      after: "2026-11-01T00:00:00-04:00",
      fires: ["2026-11-01T01:00:00-04:00", "2026-11-01T02:00:00-05:00", "2026-11-01T03:00:00-05:00"],
    },
    {
      name: "fixed 02:30 still runs when asked from just after the jump, before 03:30",
      expression: "30 2 * * *",
      timezone: NY,
      after: "2026-03-08T03:10:00-04:00",
      fires: ["2026-03-08T03:30:00-04:00", "2026-03-09T02:30:00-04:00"],
    },
    {
      name: "hourly skips the missing 02:00 on the spring-forward day",
      expression: "0 * * * *",
      timezone: NY,
      after: "2026-03-08T00:30:00-05:00",
      fires: ["2026-03-08T01:00:00-05:00", "2026-03-08T03:00:00-04:00", "2026-03-08T04:00:00-04:00"],
    },
    {
      name: "hourly fires at both 01:00s on the fall-back day",
      expression: "0 * * * *",
      timezone: NY,
      after: "2026-11-01T00:30:00-04:00",
      fires: ["2026-11-01T05:00:00Z", "2026-11-01T06:00:00Z", "2026-11-01T07:00:00Z"],
    },
    {
      name: "every 30 minutes across spring-forward",
      expression: "*/30 * * * *",
      timezone: NY,
      after: "2026-03-08T01:00:00-05:00",
      fires: ["2026-03-08T01:30:00-05:00", "2026-03-08T03:00:00-04:00", "2026-03-08T03:30:00-04:00"],
    },
    {
      name: "every 30 minutes across fall-back",
      expression: "*/30 * * * *",
      timezone: NY,
      after: "2026-11-01T00:45:00-04:00",
      fires: [
        "2026-11-01T01:00:00-04:00",
        "2026-11-01T01:30:00-04:00",
        "2026-11-01T01:00:00-05:00",
        "2026-11-01T01:30:00-05:00",
        "2026-11-01T02:00:00-05:00",
      ],
    },
    {
      name: "every 10 seconds across spring-forward",
      expression: "*/10 * * * * *",
      timezone: NY,
      after: "2026-03-08T01:59:40-05:00",
      fires: ["2026-03-08T01:59:50-05:00", "2026-03-08T03:00:00-04:00", "2026-03-08T03:00:10-04:00"],
    },
    {
      name: "every 10 seconds across fall-back",
      expression: "*/10 * * * * *",
      timezone: NY,
      after: "2026-11-01T01:59:40-04:00",
      fires: ["2026-11-01T01:59:50-04:00", "2026-11-01T01:00:00-05:00", "2026-11-01T01:00:10-05:00"],
    },
    {
      name: "hourly, asked from inside the first pass of the overlap: next is the second 01:00",
      expression: "0 * * * *",
      timezone: NY,
      after: "2026-11-01T01:45:00-04:00",
      fires: ["2026-11-01T01:00:00-05:00", "2026-11-01T02:00:00-05:00"],
    },
    {
      name: "every 30 minutes, asked from inside the first pass of the overlap",
      expression: "*/30 * * * *",
      timezone: NY,
      after: "2026-11-01T01:45:00-04:00",
      fires: ["2026-11-01T01:00:00-05:00", "2026-11-01T01:30:00-05:00", "2026-11-01T02:00:00-05:00"],
    },
    {
      name: "hourly, asked from inside the second pass of the overlap",
      expression: "0 * * * *",
      timezone: NY,
      after: "2026-11-01T01:15:00-05:00",
      fires: ["2026-11-01T02:00:00-05:00"],
    },
    {
      name: "fixed 01:30, asked from inside the overlap: no second run that day",
      expression: "30 1 * * *",
      timezone: NY,
      after: "2026-11-01T01:45:00-04:00",
      fires: ["2026-11-02T01:30:00-05:00"],
    },
    {
      name: "Berlin: fixed 02:30 runs at 03:30 CEST on the spring-forward day",
      expression: "30 2 * * *",
      timezone: BERLIN,
      after: "2026-03-28T00:00:00+01:00",
      fires: ["2026-03-28T02:30:00+01:00", "2026-03-29T03:30:00+02:00", "2026-03-30T02:30:00+02:00"],
    },
    {
      name: "Berlin: fixed 02:30 runs once (CEST) on the fall-back day",
      expression: "30 2 * * *",
      timezone: BERLIN,
      after: "2026-10-24T00:00:00+02:00",
      fires: ["2026-10-24T02:30:00+02:00", "2026-10-25T02:30:00+02:00", "2026-10-26T02:30:00+01:00"],
    },
    {
      name: "Berlin: hourly fires at both 02:00s on the fall-back day",
      expression: "0 * * * *",
      timezone: BERLIN,
      after: "2026-10-25T01:30:00+02:00",
      fires: ["2026-10-25T02:00:00+02:00", "2026-10-25T02:00:00+01:00", "2026-10-25T03:00:00+01:00"],
    },
    {
      name: "Berlin: every 30 minutes across spring-forward",
      expression: "*/30 * * * *",
      timezone: BERLIN,
      after: "2026-03-29T01:00:00+01:00",
      fires: ["2026-03-29T01:30:00+01:00", "2026-03-29T03:00:00+02:00", "2026-03-29T03:30:00+02:00"],
    },
    {
      name: "Berlin: every 30 minutes across fall-back",
      expression: "*/30 * * * *",
      timezone: BERLIN,
      after: "2026-10-25T02:00:00+02:00",
      fires: [
        "2026-10-25T02:30:00+02:00",
        "2026-10-25T02:00:00+01:00",
        "2026-10-25T02:30:00+01:00",
        "2026-10-25T03:00:00+01:00",
      ],
    },
  ];

  for (const vector of vectors) {
    it(vector.name, () => {
      expect(fires(vector.expression, vector.timezone, vector.after, vector.fires.length)).toEqual(
        iso(vector.fires),
      );
    });
  }

  it("fixed-time schedules run once per day across both transitions", () => {
    const schedule = parseCron("30 2 * * *", NY);
    const year = schedule.nextN(new Date("2026-01-01T00:00:00-05:00"), 365);
    const localDays = year.map((d) => d.toLocaleDateString("en-CA", { timeZone: NY }));
    expect(new Set(localDays).size).toBe(365);
    expect(localDays[0]).toBe("2026-01-01");
    expect(localDays[364]).toBe("2026-12-31");
  });

  // An independent, slow reference: every minute of a few days around each 2026 transition of
  // several zones (including Lord Howe's 30-minute DST and Santiago's midnight changes).
  it("agrees with a minute-by-minute reference around every 2026 transition", () => {
    const zones = [
      "America/New_York",
      "Europe/Berlin",
      "Australia/Lord_Howe",
      "America/Santiago",
      "Asia/Tehran",
    ];
    const expressions = [
      "*/30 * * * *",
      "0 * * * *",
      "*/15 * * * *",
      "30 2 * * *",
      "30 1 * * *",
      "15 0-3 * * *",
      "*/20 1-2 * * *",
      "0 0 * * *",
      "45 23 * * *",
    ];
    let transitions = 0;
    for (const timezone of zones) {
      for (const transition of transitionsIn2026(timezone)) {
        transitions++;
        const from = transition - 2 * DAY;
        const to = transition + 2 * DAY;
        const clock = minuteClock(timezone, from - DAY, to + DAY);
        for (const expression of expressions) {
          const schedule = parseCron(expression, timezone);
          const expected = referenceFires(schedule.normalized, schedule.isFixedTime, clock, from, to);
          const actual: number[] = [];
          for (
            let fire = schedule.next(new Date(from));
            fire && fire.getTime() < to;
            fire = schedule.next(fire)
          ) {
            actual.push(fire.getTime());
          }
          expect(actual.map(isoOf), `${expression} in ${timezone} near ${isoOf(transition)}`).toEqual(
            expected.map(isoOf),
          );
          // Asked from anywhere (every 7 min 13 s), next() is the first reference fire after it.
          for (let after = from; after < to; after += 7 * MINUTE + 13_000) {
            const want = expected.find((fire) => fire > after);
            if (want === undefined) break;
            expect(schedule.next(new Date(after))?.getTime(), `${expression} after ${isoOf(after)}`).toBe(
              want,
            );
          }
        }
      }
    }
    // New York, Berlin, Lord Howe and Santiago change twice; Tehran has had no DST since 2022.
    expect(transitions).toBe(8);
  });
});

function isoOf(ms: number): string {
  return new Date(ms).toISOString();
}

function transitionsIn2026(timezone: string): number[] {
  const found: number[] = [];
  let previous = offsetMs(timezone, Date.UTC(2026, 0, 1));
  for (let day = Date.UTC(2026, 0, 1) + DAY; day <= Date.UTC(2027, 0, 1); day += DAY) {
    const offset = offsetMs(timezone, day);
    if (offset !== previous) {
      let low = day - DAY;
      let high = day;
      while (high - low > MINUTE) {
        const middle = low + Math.floor((high - low) / 2 / MINUTE) * MINUTE;
        if (offsetMs(timezone, middle) === previous) low = middle;
        else high = middle;
      }
      found.push(high);
    }
    previous = offset;
  }
  return found;
}

type MinuteClock = { wallOf: Map<number, number>; instantsOf: Map<number, number[]>; offsetBefore: number };

/** Wall time of every minute in [from, to), and the instants of every wall minute. */
function minuteClock(timezone: string, from: number, to: number): MinuteClock {
  const wallOf = new Map<number, number>();
  const instantsOf = new Map<number, number[]>();
  for (let instant = from; instant < to; instant += MINUTE) {
    const wall = instant + offsetMs(timezone, instant);
    wallOf.set(instant, wall);
    instantsOf.set(wall, [...(instantsOf.get(wall) ?? []), instant]);
  }
  return { wallOf, instantsOf, offsetBefore: offsetMs(timezone, from) };
}

/**
 * The DST rules, stated directly: interval schedules fire at every instant whose wall time
 * matches; fixed-time schedules fire once per matching wall time, at its first occurrence, or
 * for a wall time that never occurs, at that wall time read with the offset before the gap.
 */
function referenceFires(normalized: string, fixed: boolean, clock: MinuteClock, from: number, to: number) {
  const matcher = new Cron(normalized, { utcOffset: 0 });
  const matches = (wall: number) => matcher.match(new Date(wall));
  const result = new Set<number>();
  if (!fixed) {
    for (const [instant, wall] of clock.wallOf)
      if (instant > from && instant < to && matches(wall)) result.add(instant);
  } else {
    const firstWall = Math.min(...clock.wallOf.values());
    const lastWall = Math.max(...clock.wallOf.values());
    for (let wall = firstWall; wall <= lastWall; wall += MINUTE) {
      if (!matches(wall)) continue;
      const instants = clock.instantsOf.get(wall);
      const instant = instants ? Math.min(...instants) : wall - clock.offsetBefore;
      if (instant > from && instant < to) result.add(instant);
    }
  }
  return [...result].sort((a, b) => a - b);
}

describe("cron: refused expressions", () => {
  const refused: [string, RegExp][] = [
    ["", /empty/],
    ["* * * *", /got 4/],
    ["0 0 1 * * * 2026", /6 fields expected at most, got 7/],
    ["60 * * * *", /minute 60 out of range 0-59/],
    ["0 24 * * *", /hour 24 out of range 0-23/],
    ["0 0 0 * * * 60", /6 fields expected at most/],
    ["61 0 0 * * *", /second 61 out of range 0-59/],
    ["0 0 0 * *", /day of month 0 out of range 1-31/],
    ["0 0 32 * *", /day of month 32 out of range 1-31/],
    ["0 0 * 13 *", /month 13 out of range 1-12/],
    ["0 0 * 0 *", /month 0 out of range 1-12/],
    ["0 0 * * 8", /day of week 8 out of range 0-7/],
    ["0 0 * foo *", /month "foo" is not a month number or name/],
    ["0 0 * * funday", /day of week "funday" is not a day number or name/],
    ["0 mon * * *", /hour "mon" is not a number/],
    ["abc * * * *", /minute "abc" is not a number/],
    ["0 0 1.5 * *", /day of month "1.5" is not understood/],
    ["0 0 * * *x", /day of week "\*x" is not understood/],
    ["-1 * * * *", /minute "-1" is not understood/],
    ["1- * * * *", /minute "1-" is not understood/],
    ["1,,2 * * * *", /empty item/],
    ["*/0 * * * *", /step must be at least 1/],
    ["0 */25 * * *", /hour step 25 is larger than the field/],
    ["? * * * *", /"\?" is only allowed in day of month and day of week/],
    ["@reboot", /"@reboot" is not a schedule/],
    ["daily", /got 1/],
    ["0 0 30 2 *", /never matches a date/],
    ["0 0 31 apr,jun *", /never matches a date/],
    ["0 0 * * fri#6", /the number after # is the week of the month, 1-5/],
    ["0 0 5L * *", /day of month "5l" is not understood/],
    // What only croner checks, in words of ours.
    ["0 0 L,LW * *", /Invalid cron expression: .*LW not in a list/],
  ];
  for (const [expression, message] of refused) {
    it(`refuses ${JSON.stringify(expression)}`, () => {
      expect(() => parseCron(expression, "UTC")).toThrow(CronError);
      expect(() => parseCron(expression, "UTC")).toThrow(message);
      expect(explainCronError(expression, "UTC")).toMatch(message);
    });
    it(`refuses ${JSON.stringify(expression)} in 中文 without English`, () => {
      const refusal = cronRefusal(expression, "UTC");
      const zh = localizedMessage(refusal, "zh-CN");
      expect(englishSentences(zh, [expression]), zh).toEqual([]);
      expect(zh).toMatch(/[\u4e00-\u9fff]/);
    });
  }

  it("refuses unknown time zones", () => {
    for (const zone of ["Mars/Olympus_Mons", "", "+05:30", " UTC", "Asia/Shanghai "]) {
      expect(() => parseCron("0 0 * * *", zone), zone).toThrow(CronError);
      expect(explainCronError("0 0 * * *", zone), zone).toMatch(/Unknown time zone/);
      expect(isValidTimeZone(zone), zone).toBe(false);
    }
    for (const zone of ["UTC", "Asia/Shanghai", "America/New_York", "Etc/GMT-8", "europe/berlin"]) {
      expect(isValidTimeZone(zone), zone).toBe(true);
    }
  });

  it("explains nothing for a valid expression", () => {
    expect(explainCronError("0 23-7/1 * * *", "Asia/Shanghai")).toBeNull();
    expect(explainCronError("*/10 * * * * *", "Europe/Berlin")).toBeNull();
  });

  it("CronError is an Error with the message", () => {
    const error = new CronError({ key: "cron.empty" });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("CronError");
  });
});

describe("cron: describe()", () => {
  const cases: [string, string[], string[]][] = [
    ["30 21 * * *", ["At 21:30"], ["21:30"]],
    ["10 1 * * 5,6", ["01:10", "Friday and Saturday"], ["01:10", "周五", "周六"]],
    ["0 */1 * * *", ["Every hour"], ["每小时"]],
    ["0 23-7/1 * * *", ["between 23:00 and 07:00"], ["23:00", "07:00"]],
    [
      "0 11 4 * mon-wed",
      ["11:00", "day 4 of the month", "Monday through Wednesday"],
      ["11:00", "星期一至星期三"],
    ],
    ["0 4 1 jan *", ["04:00", "January"], ["04:00", "1 月"]],
    ["* * * * * *", ["Every second"], ["每秒"]],
    ["0 */2 * * * *", ["Every 2 minutes"], ["每 2 分钟"]],
    ["0 0 ? * MON", ["00:00", "only on Monday"], ["00:00", "周一"]],
    ["0 0 */2 * mon", ["only on Monday"], ["星期一"]],
  ];
  for (const [expression, english, chinese] of cases) {
    it(expression, () => {
      const schedule = parseCron(expression, "UTC");
      const en = schedule.describe("en");
      const zh = schedule.describe("zh-CN");
      for (const text of english) expect(en).toContain(text);
      for (const text of chinese) expect(zh).toContain(text);
      expect(en).not.toMatch(/\b(AM|PM)\b/);
    });
  }
});

describe("cron: speed (printed, not asserted)", () => {
  it("next() on * * * * * *", () => {
    for (const timezone of ["UTC", "Asia/Shanghai", "America/New_York"]) {
      const schedule = parseCron("* * * * * *", timezone);
      let cursor: Date = new Date("2026-03-01T00:00:00Z");
      schedule.next(cursor);
      const count = 100_000;
      const started = performance.now();
      for (let i = 0; i < count; i++) cursor = schedule.next(cursor) ?? cursor;
      const micros = ((performance.now() - started) * 1000) / count;
      console.log(`next() on * * * * * * in ${timezone}: ${micros.toFixed(2)} µs average`);
      expect(cursor.getTime()).toBe(new Date("2026-03-01T00:00:00Z").getTime() + count * 1000);
    }
  });
});
