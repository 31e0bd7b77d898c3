import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import ExcelJS from "exceljs";
import iconv from "iconv-lite";
import { afterAll, describe, expect, it } from "vitest";
import { readReportTables } from "../../server/reports";
import { detectDelimiter } from "../../server/reports/read-csv";

const dir = mkdtempSync(path.join(os.tmpdir(), "kairos-reports-read-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: string | Buffer) => {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return p;
};
const cells = (t: { rowCount: number; width: number; textAt(c: number, r: number): string }) =>
  Array.from({ length: t.rowCount }, (_, r) => Array.from({ length: t.width }, (_, c) => t.textAt(c, r)));

describe("CSV report files", () => {
  it("reads UTF-8 with and without a BOM, the file name as sheet name", async () => {
    const plain = file("日报.csv", "区域,金额\n华东,1200\n华南,980\n");
    const bom = file("bom.csv", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), readFileSync(plain)]));
    const r = await readReportTables([{ path: plain }, { path: bom }]);
    expect(r.filename).toBe("日报");
    expect(r.tables.map(([n]) => n)).toEqual(["日报", "bom"]);
    for (const [, t] of r.tables) {
      expect(t.columns).toEqual(["区域", "金额"]);
      expect(cells(t)).toEqual([
        ["华东", "1200"],
        ["华南", "980"],
      ]);
    }
    expect(r.files.map((f) => f.encoding)).toEqual(["utf-8", "utf-8"]);
  });

  it("reads a GBK CSV as Chinese Excel saves it (headers and cells), attachment untouched", async () => {
    const text = '日期,区域,销售额,达成率\r\n2024-05-01,华东,"1,234.50",95.5%\r\n2024-05-01,西南,880,71%\r\n';
    const bytes = iconv.encode(text, "gbk");
    const p = file("销售.csv", bytes);
    const r = await readReportTables([{ path: p }]);
    const [[name, t]] = r.tables as [[string, (typeof r.tables)[0][1]]];
    expect(name).toBe("销售");
    expect(r.files[0]).toMatchObject({ encoding: "gb18030", delimiter: ",", size: bytes.length });
    expect(t.columns).toEqual(["日期", "区域", "销售额", "达成率"]);
    expect(cells(t)).toEqual([
      ["2024-05-01", "华东", "1,234.50", "95.5%"],
      ["2024-05-01", "西南", "880", "71%"],
    ]);
    // Reading never changes the script's bytes.
    expect(readFileSync(p).equals(bytes)).toBe(true);
  });

  it("decides the encoding on the first non-ASCII bytes, even far into the file", async () => {
    const ascii = Array.from({ length: 20_000 }, (_, i) => `${i},plain row ${i}`).join("\n");
    const p = file("late.csv", iconv.encode(`id,name\n${ascii}\n20000,最后一行\n`, "gbk"));
    const r = await readReportTables([{ path: p }]);
    const t = r.tables[0]?.[1];
    expect(r.files[0]?.encoding).toBe("gb18030");
    expect(t?.rowCount).toBe(20_001);
    expect(t?.textAt(1, 20_000)).toBe("最后一行");
  });

  it("keeps Chinese characters split between read chunks whole (UTF-8)", async () => {
    const rows = Array.from({ length: 30_000 }, (_, i) => `${i},中文客户名称第${i}号`).join("\n");
    const p = file("long.csv", `id,客户\n${rows}\n`);
    const r = await readReportTables([{ path: p }]);
    const t = r.tables[0]?.[1];
    expect(t?.rowCount).toBe(30_000);
    const garbled = cells(t as never).filter(([, v]) => v?.includes("\uFFFD"));
    expect(garbled).toEqual([]);
    expect(t?.textAt(1, 29_999)).toBe("中文客户名称第29999号");
  });

  it("detects semicolon, tab and pipe delimiters (quotes understood), and Excel's sep= line", async () => {
    expect(detectDelimiter('a;b;c\n1;"x;y";3\n')).toBe(";");
    expect(detectDelimiter("a\tb\tc\n1,5\t2\t3\n")).toBe("\t");
    expect(detectDelimiter("a|b\n1|2\n")).toBe("|");
    expect(detectDelimiter('name,note\n"Smith; John","a;b"\n')).toBe(",");
    const semi = await readReportTables([{ path: file("semi.csv", 'sep=;\nname;amount\n"a;b";1,5\n') }]);
    const t = semi.tables[0]?.[1];
    expect(semi.files[0]?.delimiter).toBe(";");
    expect(t?.columns).toEqual(["name", "amount"]);
    expect(cells(t as never)).toEqual([["a;b", "1,5"]]);
    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from("列1\t列2\r\n甲\t乙\r\n", "utf16le"),
    ]);
    const u = await readReportTables([{ path: file("unicode.csv", utf16) }]);
    expect(u.files[0]).toMatchObject({ encoding: "utf-16le", delimiter: "\t" });
    expect(cells(u.tables[0]?.[1] as never)).toEqual([["甲", "乙"]]);
  });

  it("names headers as pandas does, widens for long rows, skips blank lines", async () => {
    const p = file("odd.csv", "a,,a\n1,2,3,4\n\n5\n");
    const t = (await readReportTables([{ path: p }])).tables[0]?.[1];
    expect(t?.columns).toEqual(["a", "Unnamed: 1", "a.1", "Unnamed: 3"]);
    expect(cells(t as never)).toEqual([
      ["1", "2", "3", "4"],
      ["5", "", "", ""],
    ]);
  });

  it("reads quoted fields: delimiters, doubled quotes, line breaks (LF in CRLF rows), stray quotes", async () => {
    const p = file(
      "quoted.csv",
      'name,note,n\r\n"Smith, John","say ""hi""",1\r\n"line 1\nline 2","",2\r\nab"c, x ,3\r\n',
    );
    const r = await readReportTables([{ path: p }]);
    expect(r.files[0]?.problem).toBeUndefined();
    expect(cells(r.tables[0]?.[1] as never)).toEqual([
      ["Smith, John", 'say "hi"', "1"],
      ["line 1\nline 2", "", "2"],
      ['ab"c', " x ", "3"],
    ]);
  });

  it("reads a quoted cell that spans read chunks whole, and the rows after it", async () => {
    // Read chunks are 256 KiB: this cell starts in the first and ends in the second.
    const before = Array.from({ length: 4000 }, (_, i) => `${i},第${i}行`).join("\n");
    const long = `"${"长文本,带逗号\n和换行 ".repeat(20_000)}"`;
    const p = file("span.csv", `id,text\n${before}\n4000,${long}\n4001,末行\n`);
    const r = await readReportTables([{ path: p }]);
    const t = r.tables[0]?.[1];
    expect(r.files[0]?.problem).toBeUndefined();
    expect(t?.rowCount).toBe(4002);
    expect(t?.textAt(1, 3999)).toBe("第3999行");
    expect(t?.textAt(1, 4000)).toBe(long.slice(1, -1));
    expect(t?.textAt(1, 4001)).toBe("末行");
  });

  it("refuses a quote that never closes (it would swallow the rest of the file)", async () => {
    const p = file("unclosed.csv", 'a,b\n1,2\n"never closed,3\n4,5\n');
    const r = await readReportTables([{ path: p }]);
    expect(r.tables).toEqual([]);
    expect(r.files[0]).toMatchObject({ name: "unclosed.csv", kind: "csv" });
    expect(r.files[0]?.problem).toMatch(/record 3.*unterminated/i);
    // In a large file the open quote is refused once its record passes 4 Mi characters.
    const rows = Array.from({ length: 300_000 }, (_, i) => `${i},row ${i}`).join("\n");
    const big = await readReportTables([{ path: file("unclosed-big.csv", `a,b\n1,"open\n${rows}\n`) }]);
    expect(big.tables).toEqual([]);
    expect(big.files[0]?.problem).toMatch(/record 2.*too long/i);
  });

  it("keeps at most maxRows rows and still counts them all", async () => {
    const p = file("big.csv", `n\n${Array.from({ length: 1000 }, (_, i) => i).join("\n")}\n`);
    const t = (await readReportTables([{ path: p }], { maxRows: 10 })).tables[0]?.[1];
    expect(t).toMatchObject({ rowCount: 10, totalRows: 1000, truncated: true });
  });
});

async function twoSheetWorkbook(p: string) {
  const wb = new ExcelJS.Workbook();
  const sales = wb.addWorksheet("销售明细");
  sales.addRow(["日期", "区域", "金额", "达成率", "时间", "合计"]);
  sales.getColumn(1).numFmt = "yyyy-mm-dd";
  sales.getColumn(3).numFmt = "#,##0.00";
  sales.getColumn(4).numFmt = "0.0%";
  sales.getColumn(5).numFmt = "yyyy/m/d h:mm";
  sales.getColumn(6).numFmt = "#,##0";
  sales.addRow([
    new Date(Date.UTC(2024, 4, 1)),
    "华东",
    12345.678,
    0.9551,
    new Date(Date.UTC(2024, 4, 1, 9, 30)),
    { formula: "C2*2", result: 24691.356 },
  ]);
  sales.addRow([
    new Date(Date.UTC(2024, 4, 2)),
    "西南",
    980,
    0.71,
    new Date(Date.UTC(2024, 4, 2, 18, 5)),
    { formula: "C3*2", result: 1960 },
  ]);
  const summary = wb.addWorksheet("汇总");
  summary.addRow(["季度报表", null, null]);
  summary.mergeCells("A1:C1");
  summary.addRow(["区域", "完成", "备注"]);
  summary.addRow(["华东", true, { richText: [{ text: "加" }, { text: "急", font: { bold: true } }] }]);
  const hidden = wb.addWorksheet("empty");
  hidden.state = "visible";
  await wb.xlsx.writeFile(p);
}

describe("XLSX report files", () => {
  it("reads every sheet in workbook order, cells as the sheet shows them", async () => {
    const p = path.join(dir, "周报.xlsx");
    await twoSheetWorkbook(p);
    const r = await readReportTables([{ path: p }]);
    expect(r.filename).toBe("周报");
    expect(r.tables.map(([n]) => n)).toEqual(["销售明细", "汇总", "empty"]);
    const sales = r.tables[0]?.[1];
    expect(sales?.columns).toEqual(["日期", "区域", "金额", "达成率", "时间", "合计"]);
    expect(cells(sales as never)).toEqual([
      ["2024-05-01", "华东", "12,345.68", "95.5%", "2024/5/1 9:30", "24,691"],
      ["2024-05-02", "西南", "980.00", "71.0%", "2024/5/2 18:05", "1,960"],
    ]);
    // The numbers behind the text stay numbers.
    expect(sales?.numberAt(3, 0)).toBeCloseTo(0.9551);
    expect(sales?.numberAt(5, 1)).toBe(1960);
    // A merged title row is the header as pandas reads it: its first cell, the rest unnamed.
    const summary = r.tables[1]?.[1];
    expect(summary?.columns).toEqual(["季度报表", "Unnamed: 1", "Unnamed: 2"]);
    expect(cells(summary as never)).toEqual([
      ["区域", "完成", "备注"],
      ["华东", "TRUE", "加急"],
    ]);
    const empty = r.tables[2]?.[1];
    expect(empty).toMatchObject({ rowCount: 0, width: 0 });
  });

  it("reads Chinese shared strings whole where exceljs' streaming reader garbles them", async () => {
    const p = path.join(dir, "客户.xlsx");
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("客户");
    ws.addRow(["名称", "编号"]);
    for (let i = 0; i < 20_000; i++) ws.addRow([`中文客户名称第${i}号有限公司`, i]);
    await wb.xlsx.writeFile(p);

    // exceljs 4.4.0 decodes each inflated chunk on its own: characters split between chunks break.
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(p, { sharedStrings: "cache", worksheets: "emit" });
    let exceljsGarbled = 0;
    for await (const sheet of reader) {
      for await (const row of sheet) if (String(row.getCell(1).value).includes("\uFFFD")) exceljsGarbled++;
    }
    expect(exceljsGarbled).toBeGreaterThan(0);

    const t = (await readReportTables([{ path: p }])).tables[0]?.[1];
    expect(t?.rowCount).toBe(20_000);
    let ours = 0;
    for (let r = 0; r < 20_000; r++) {
      if (t?.textAt(0, r) !== `中文客户名称第${r}号有限公司`) ours++;
    }
    expect(ours).toBe(0);
  });

  it("streams a large sheet row by row, keeping maxRows and counting the rest", async () => {
    const p = path.join(dir, "large.xlsx");
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: p, useSharedStrings: true });
    const ws = wb.addWorksheet("data");
    ws.addRow(["id", "name"]).commit();
    for (let i = 0; i < 5000; i++) ws.addRow([i, `行${i}`]).commit();
    ws.commit();
    await wb.commit();
    const t = (await readReportTables([{ path: p }], { maxRows: 100 })).tables[0]?.[1];
    expect(t).toMatchObject({ rowCount: 100, totalRows: 5000 });
    expect(t?.textAt(1, 99)).toBe("行99");
  });

  it("records a broken workbook as a problem and keeps other files as attachments", async () => {
    const bad = file("broken.xlsx", "this is not a zip");
    const pdf = file("readme.pdf", "%PDF-1.4");
    const r = await readReportTables([{ path: bad }, { path: pdf }]);
    expect(r.tables).toEqual([]);
    expect(r.files[0]?.problem).toBeTruthy();
    expect(r.files[1]).toMatchObject({ kind: "other", size: statSync(pdf).size, tables: [] });
    expect(r.filename).toBe("broken");
  });
});
