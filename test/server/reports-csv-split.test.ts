/**
 * The CSV splitter that replaced csv-parse in the report reader (server/reports/csv-split.ts):
 * the same records as csv-parse with the reader's old options, on awkward inputs, however the
 * text is cut into chunks.
 */
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { CsvSplitter } from "../../server/reports/csv-split";

const OLD = { relax_quotes: true, relax_column_count: true, skip_empty_lines: true } as const;

function split(text: string, delimiter: string, cuts: number[] = []): string[][] {
  const out: string[][] = [];
  const s = new CsvSplitter(delimiter, (r) => out.push(r));
  let at = 0;
  for (const c of [...cuts, text.length]) {
    s.write(text.slice(at, c));
    at = c;
  }
  s.end();
  return out;
}

const CASES: [string, string][] = [
  ["plain", "a,b,c\n1,2,3\n4,5,6\n"],
  ["no final line end", "a,b\n1,2"],
  ["CRLF", "a,b\r\n1,2\r\n"],
  ["CR only", "a,b\r1,2\r"],
  ["quoted delimiter and line breaks", 'a,b\n"x, y","line1\nline2"\n"say ""hi""",z\n'],
  ["quoted CRLF inside", 'a,b\r\n"1\r\n2",3\r\n'],
  ["empty fields", "a,,c\n,,\n,x,\n"],
  ["empty lines skipped", "a,b\n\n1,2\n\n\n3,4\n\n"],
  ["empty lines skipped (CRLF)", "a,b\r\n\r\n1,2\r\n\r\n"],
  ["ragged rows", "a,b,c\n1\n1,2,3,4,5\n"],
  ["quote inside unquoted field", 'a,b\nab"c,d\n5" pipe,x\n'],
  ["empty quoted", 'a,b\n"",""\n'],
  ["trailing delimiter", "a,b,\n1,2,\n"],
  ["chinese", '地区,销售额\n华东,1234\n"华南, 广州",567\n'],
  ["quote at the very end", 'a,b\n1,"2"'],
];

describe("CsvSplitter", () => {
  it.each(CASES)("%s: the records csv-parse gave", (_name, text) => {
    const expected = parse(text, { ...OLD, delimiter: "," }) as string[][];
    expect(split(text, ",")).toEqual(expected);
  });

  it.each(CASES)("%s: the same records cut into chunks anywhere", (_name, text) => {
    const whole = split(text, ",");
    for (let a = 0; a <= text.length; a++) {
      expect(split(text, ",", [a]), `cut at ${a}`).toEqual(whole);
      for (let b = a; b <= text.length; b += 3)
        expect(split(text, ",", [a, b]), `cuts ${a}, ${b}`).toEqual(whole);
    }
  });

  it("other delimiters (tab, semicolon, pipe)", () => {
    for (const d of ["\t", ";", "|"]) {
      const text = `a${d}b\n"x${d}y"${d}2\n`;
      expect(split(text, d)).toEqual(parse(text, { ...OLD, delimiter: d }));
    }
  });

  it("is lenient where csv-parse failed: text after a closing quote, a quote never closed", () => {
    expect(split('a,b\n"x"y,2\n', ",")).toEqual([
      ["a", "b"],
      ["xy", "2"],
    ]);
    expect(split('a,b\n1,"open\n2,3\n', ",")).toEqual([
      ["a", "b"],
      ["1", "open\n2,3\n"],
    ]);
  });
});
