import { format as numfmt } from "numfmt";
import { describe, expect, it } from "vitest";
import enReports from "../../server/i18n/messages/reports/en.json";
import zhReports from "../../server/i18n/messages/reports/zh-CN.json";
import { csvCellValue, SheetDate, SheetNumber } from "../../server/reports/cells";
import { compileNumberFormat } from "../../server/reports/formats";
import { pyFormat, pyStrFormat } from "../../server/reports/jinja";

/** A seeded stream of awkward numbers: halves, tiny, huge, negative, float noise. */
function* numbers(n: number) {
  let seed = 12345;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const specials = [
    0,
    -0,
    0.5,
    -0.5,
    1.005,
    2.675,
    0.045,
    1e-7,
    -1e-7,
    999.995,
    1234567.5,
    -0.0004,
    0.1 + 0.2,
    1e14,
  ];
  yield* specials;
  for (let i = 0; i < n; i++) {
    const scale = 10 ** Math.floor(next() * 12 - 4);
    const v = (next() - 0.3) * scale;
    yield i % 5 === 0 ? Math.round(v * 1000) / 1000 : v;
  }
}

describe("number formats", () => {
  it("formats the common codes exactly as numfmt does", () => {
    for (const code of ["General", "0", "0.00", "#,##0", "#,##0.00", "0%", "0.0%", "0.00%", "0.000"]) {
      const fast = compileNumberFormat(code);
      for (const n of numbers(3000)) expect(fast(n), `${code} ${n}`).toBe(numfmt(code, n));
    }
  });

  it("formats dates and other codes through numfmt, and survives codes it cannot read", () => {
    expect(compileNumberFormat("yyyy-mm-dd")(45413)).toBe("2024-05-01");
    expect(compileNumberFormat('yyyy"年"m"月"d"日"')(45413)).toBe("2024年5月1日");
    expect(compileNumberFormat("#,##0.00;[Red](#,##0.00)")(-1234.5)).toBe("(1,234.50)");
    expect(compileNumberFormat("[[[not a format")(12.5)).toBe("12.5");
  });
});

describe("CSV cell values", () => {
  it("are numbers when the text is one, and print as the text", () => {
    expect(csvCellValue("42")).toBe(42);
    expect(csvCellValue("0.95")).toBe(0.95);
    expect(csvCellValue("区域")).toBe("区域");
    expect(csvCellValue("")).toBe("");
    expect(csvCellValue("2024-05-01")).toBe("2024-05-01");
    const pct = csvCellValue("95.5%") as SheetNumber;
    expect(pct).toBeInstanceOf(SheetNumber);
    expect([pct.valueOf(), String(pct), pct.valueOf() < 0.96]).toEqual([0.955, "95.5%", true]);
    const grouped = csvCellValue("1,234.50") as SheetNumber;
    expect([grouped.valueOf(), String(grouped)]).toEqual([1234.5, "1,234.50"]);
    expect(String(csvCellValue("007"))).toBe("007");
    expect((csvCellValue("007") as SheetNumber).valueOf()).toBe(7);
  });

  it("dates have Python's datetime accessors", () => {
    const d = SheetDate.fromFields(2024, 5, 1, 9, 30, 0, "2024/5/1 9:30");
    expect(String(d)).toBe("2024/5/1 9:30");
    expect(d.strftime("%Y-%m-%d %H:%M %A %b %j %%")).toBe("2024-05-01 09:30 Wednesday May 122 %");
    expect([d.year, d.month, d.day, d.hour, d.weekday()]).toEqual([2024, 5, 1, 9, 2]);
    expect(d.isoformat()).toBe("2024-05-01T09:30:00");
  });
});

describe("Python formatting", () => {
  it("% formatting and str.format", () => {
    expect(pyFormat("%.1f%%", 95.123)).toBe("95.1%");
    expect(pyFormat("%s has %d rows (%5.2f)", ["t", 3.9, 1.005])).toBe("t has 3 rows ( 1.00)");
    expect(pyFormat("%(name)s=%(n)03d", { name: "x", n: 7 })).toBe("x=007");
    expect(pyFormat("%-4s|%+d|%x", ["a", 5, 255])).toBe("a   |+5|ff");
    expect(pyStrFormat("{}/{}/{name}/{:.1%}/{:,}", [1, 2, 0.955, 1234567], { name: "n" })).toBe(
      "1/2/n/95.5%/1,234,567",
    );
  });
});

function keys(o: object, prefix = ""): string[] {
  return Object.entries(o).flatMap(([k, v]) =>
    v && typeof v === "object" ? keys(v as object, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

describe("reports messages", () => {
  it("exist in both languages", () => {
    expect(keys(zhReports).sort()).toEqual(keys(enReports).sort());
  });
});
