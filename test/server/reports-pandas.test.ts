/**
 * The same templates rendered by Kairos and by what email_center ran — Python's Jinja2 over
 * pandas DataFrames (Debian's python3-pandas, python3-jinja2, python3-openpyxl; installed by
 * scripts/test-all.sh) — give the same HTML, up to whitespace between tags and Kairos' added
 * `kairos-table` class. The data avoids what differs on purpose (empty cells: pandas prints NaN;
 * floats pandas pads to a common number of decimals; dates pandas prints as timestamps).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ReportTables, readReportTables, renderReportMail } from "../../server/reports";

const PYTHON = ["/usr/bin/python3", "python3"].find((p) => {
  try {
    execFileSync(p, ["-c", "import pandas, jinja2, openpyxl"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
});

const SCRIPT = `
import json, sys
import pandas as pd, jinja2
path, template, as_html = sys.argv[1], sys.argv[2], sys.argv[3] == "html"
stem = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
if path.endswith(".csv"):
    frames = [(stem, pd.read_csv(path))]
else:
    frames = list(pd.read_excel(path, sheet_name=None).items())
# email_center handed templates df.to_html(index=False); the DataFrames themselves for the accessors.
tables = [(n, df.to_html(index=False) if as_html else df) for n, df in frames]
sys.stdout.write(jinja2.Template(template).render(filename=stem, tables=tables))
`;

const dir = mkdtempSync(path.join(os.tmpdir(), "kairos-reports-pandas-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const csvPath = path.join(dir, "销售日报.csv");
const xlsxPath = path.join(dir, "门店.xlsx");
let csv: ReportTables;
let xlsx: ReportTables;

beforeAll(async () => {
  writeFileSync(
    csvPath,
    '区域,门店,销量,达成率,备注\n华东,徐汇店,120,0.95,A&B <新品>\n华南,天河店,85,0.85,正常\n西南,春熙店,42,1.25,"含,逗号"\n华北,朝阳店,7,0.65,正常\n',
  );
  csv = await readReportTables([{ path: csvPath }]);
  const wb = new ExcelJS.Workbook();
  const a = wb.addWorksheet("明细");
  a.addRow(["门店", "销量"]);
  a.addRow(["徐汇店", 120]);
  a.addRow(["天河店", 85]);
  const b = wb.addWorksheet("汇总");
  b.addRow(["区域", "门店数"]);
  b.addRow(["华东", 2]);
  await wb.xlsx.writeFile(xlsxPath);
  xlsx = await readReportTables([{ path: xlsxPath }]);
});

function python(file: string, template: string, mode: "html" | "frames"): string {
  if (!PYTHON) {
    throw new Error(
      "python3 with pandas, jinja2 and openpyxl is needed: apt-get install python3-pandas python3-jinja2 python3-openpyxl (scripts/test-all.sh installs them)",
    );
  }
  return execFileSync(PYTHON, ["-c", SCRIPT, file, template, mode], { encoding: "utf8" });
}

const normalise = (html: string) =>
  html
    .replace(/>\s+</g, "><")
    .replace(/ kairos-table"/g, '"')
    .trim();

async function kairos(report: ReportTables, template: string) {
  const m = await renderReportMail({ template, report, job: { name: "j" }, date: new Date(), locale: "en" });
  return m.html;
}

describe("Kairos renders what email_center's Jinja2 + pandas rendered", () => {
  it("{{ t }} (the HTML email_center handed templates)", async () => {
    const tpl = "{% for name, t in tables %}<h3>{{ name }}</h3>{{ t }}{% endfor %}";
    const ours = normalise(await kairos(csv, tpl));
    expect(ours).toContain("<td>A&amp;B &lt;新品&gt;</td>");
    expect(ours).toBe(normalise(python(csvPath, tpl, "html")));
    expect(normalise(await kairos(xlsx, tpl))).toBe(normalise(python(xlsxPath, tpl, "html")));
  });

  it("t.to_html(index=False), t.to_html() with its index, and max_rows truncation", async () => {
    for (const tpl of [
      "{% for name, t in tables %}{{ t.to_html(index=False) }}{% endfor %}",
      "{% for name, t in tables %}{{ t.to_html() }}{% endfor %}",
      "{% for name, t in tables %}{{ t.to_html(index=False, max_rows=2, border=0, classes='report') }}{% endfor %}",
      "{% for name, t in tables %}{{ t.head(2).to_html(index=False, header=False) }}{% endfor %}",
    ]) {
      expect(normalise(await kairos(csv, tpl)), tpl).toBe(normalise(python(csvPath, tpl, "frames")));
    }
  });

  it("itertuples(index=False) with a numeric test, values, shape, columns, empty, len", async () => {
    const tpl =
      "{% for name, t in tables %}{% for row in t.itertuples(index=False) %}{% if row[3] < 0.9 %}{{ row[1] }}:{{ row[2] }};{% endif %}{% endfor %}" +
      "|{{ t.shape[0] }}x{{ t.shape[1] }}|{{ t.columns|join(',') }}|{{ t.empty }}|{{ t|length }}" +
      "|{% for v in t.values %}{% if v[2] > 50 %}{{ v[0] }}{% endif %}{% endfor %}{% endfor %}";
    const ours = await kairos(csv, tpl);
    expect(ours).toBe("天河店:85;朝阳店:7;|4x5|区域,门店,销量,达成率,备注|False|4|华东华南");
    expect(ours).toBe(python(csvPath, tpl, "frames"));
  });
});
