import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  checkTemplate,
  parseBodyFlags,
  type RenderMailInput,
  type ReportTables,
  readReportTables,
  renderReportMail,
  TemplateProblem,
  undefinedNames,
} from "../../server/reports";

const dir = mkdtempSync(path.join(os.tmpdir(), "kairos-reports-tpl-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let csv: ReportTables;
let xlsx: ReportTables;
let empty: ReportTables;

beforeAll(async () => {
  const p = path.join(dir, "sales_20240501.csv");
  writeFileSync(
    p,
    "区域,金额,达成率,备注\n华东,1200.5,0.98,<b>加急</b> & 周末\n西南,880,0.91,\n华北,15,0.5,正常\n",
  );
  csv = await readReportTables([{ path: p }]);
  const x = path.join(dir, "周报.xlsx");
  const wb = new ExcelJS.Workbook();
  const a = wb.addWorksheet("明细");
  a.addRow(["日期", "门店", "销售额", "达成率"]);
  a.getColumn(1).numFmt = "yyyy-mm-dd";
  a.getColumn(3).numFmt = "#,##0.00";
  a.getColumn(4).numFmt = "0.00%";
  a.addRow([new Date(Date.UTC(2024, 4, 1)), "徐汇店", 123456.789, 0.9512]);
  a.addRow([new Date(Date.UTC(2024, 4, 2)), "浦东店", 980, 0.875]);
  const b = wb.addWorksheet("汇总");
  b.addRow(["区域", "门店数"]);
  b.addRow(["华东", 2]);
  await wb.xlsx.writeFile(x);
  xlsx = await readReportTables([{ path: x }]);
  const e = path.join(dir, "empty.csv");
  writeFileSync(e, "区域,金额\n");
  empty = await readReportTables([{ path: e }]);
});

const DATE = new Date("2024-05-01T01:30:00Z");
const render = (template: string, report: ReportTables = csv, extra: Partial<RenderMailInput> = {}) =>
  renderReportMail({
    template,
    report,
    job: { name: "销售日报", id: 7 },
    run: { id: 42 },
    date: DATE,
    timeZone: "Asia/Shanghai",
    locale: "zh-CN",
    ...extra,
  });

const rowsOf = (html: string) => html.match(/<tr>/g)?.length ?? 0;

describe("templates as email_center users wrote them", () => {
  it("{{ t }} prints each table as df.to_html(index=False) did, cells escaped", async () => {
    const m = await render("{% for name, t in tables %}<h2>{{ name }}</h2>{{ t }}{% endfor %}");
    expect(m.send).toBe(true);
    expect(m.html).toBe(
      "<h2>sales_20240501</h2>" +
        '<table border="1" class="dataframe kairos-table"><thead><tr style="text-align: right;">' +
        "<th>区域</th><th>金额</th><th>达成率</th><th>备注</th></tr></thead><tbody>" +
        "<tr><td>华东</td><td>1200.5</td><td>0.98</td><td>&lt;b&gt;加急&lt;/b&gt; &amp; 周末</td></tr>" +
        "<tr><td>西南</td><td>880</td><td>0.91</td><td></td></tr>" +
        "<tr><td>华北</td><td>15</td><td>0.5</td><td>正常</td></tr>" +
        "</tbody></table>",
    );
    expect(m.text).toContain("华东");
    expect(m.text).toContain("<b>加急</b> & 周末");
  });

  it("t.to_html(index=False) and pandas keyword arguments", async () => {
    const m = await render(
      "{% for name, t in tables %}{{ t.to_html(index=False) }}|{{ t.to_html(index=False, border=0, classes='report', na_rep='-', header=True) }}|{{ t.to_html() }}{% endfor %}",
    );
    const [plain, styled, indexed] = m.html.split("|") as [string, string, string];
    expect(plain).toBe((await render("{% for name, t in tables %}{{ t }}{% endfor %}")).html);
    expect(styled).toMatch(/^<table class="dataframe report kairos-table">/);
    expect(styled).toContain("<td>-</td>");
    expect(indexed).toContain("<th></th><th>区域</th>");
    expect(indexed).toContain("<tr><th>0</th><td>华东</td>");
  });

  it("itertuples(index=False), values with numeric tests, elif and loop.index", async () => {
    const m = await render(
      `{% for name, t in tables %}{% for row in t.itertuples(index=False) %}{{ loop.index }}.{{ row[0] }}:{% if row[2] >= 0.95 %}达标{% elif row[2] > 0.9 %}接近{% else %}未达标{% endif %}({{ row.金额 }});{% endfor %}` +
        `{% for v in t.values %}{% if v[1] > 1000 %}[{{ v[0] }} {{ v[1] * 2 }}]{% endif %}{% endfor %}{% endfor %}`,
    );
    expect(m.html).toBe("1.华东:达标(1200.5);2.西南:接近(880);3.华北:未达标(15);[华东 2401]");
  });

  it("{% if t.empty %}, {# comments #}, len, shape, columns and a column's sum", async () => {
    const tpl =
      "{# 没有数据时提示 #}{% for name, t in tables %}{% if t.empty %}今日无数据{% else %}" +
      "{{ t|length }}行 {{ len(t) }} {{ t.shape[1] }}列 {{ t.columns|join('/') }} 合计{{ t['金额'].sum() }}{% endif %}{% endfor %}";
    expect((await render(tpl)).html).toBe("3行 3 4列 区域/金额/达成率/备注 合计2095.5");
    expect((await render(tpl, empty)).html).toBe("今日无数据");
  });

  it("numbers compare as numbers and print as the sheet shows them (XLSX dates, percentages, thousands)", async () => {
    const m = await render(
      "{% for name, t in tables %}{% if name == '明细' %}{% for row in t.itertuples(index=False) %}" +
        "{{ row[0] }} {{ row[1] }} {{ row[2] }} {{ row[3] }} {% if row[3] < 0.95 %}低于95%{% else %}达标{% endif %} {{ row[0].strftime('%m月%d日') }};" +
        "{% endfor %}{{ t }}{% endif %}{% endfor %}",
      xlsx,
    );
    expect(m.html).toContain("2024-05-01 徐汇店 123,456.79 95.12% 达标 05月01日;");
    expect(m.html).toContain("2024-05-02 浦东店 980.00 87.50% 低于95% 05月02日;");
    expect(m.html).toContain("<tr><td>2024-05-01</td><td>徐汇店</td><td>123,456.79</td><td>95.12%</td></tr>");
  });

  it("Python literals, keyword arguments, % formatting and string methods work as in Jinja2", async () => {
    const m = await render(
      "{% set show = True %}{% if show and None is none %}{{ '%.1f%%' % 95.123 }} {{ '%s-%05d' % ('A', 42) }} " +
        "{{ filename.upper() }} {{ filename.startswith('sales') }} {{ '{}/{}'.format(1, 2) }} {{ '%.2f'|format(3.14159) }}" +
        "{% endif %}{% for name, t in tables %}{{ t.head(n=1).shape }} {{ t.to_html(index=False, max_rows=2)|length > 0 }}{% endfor %}",
    );
    expect(m.html).toBe("95.1% A-00042 SALES_20240501 True 1/2 3.141,4 True");
  });

  it("job, run, date and filename are there, in the subject too", async () => {
    const m = await render(
      "{{ job.name }} #{{ run.id }} {{ date }} {{ date.strftime('%Y年%m月%d日') }} {{ filename }}",
      csv,
      {
        subject: "【{{ job.name }}】{{ date }} {{ filename }}",
      },
    );
    expect(m.html).toBe("销售日报 #42 2024-05-01 2024年05月01日 sales_20240501");
    expect(m.subject).toBe("【销售日报】2024-05-01 sales_20240501");
    expect((await render("x")).subject).toBe("销售日报 — 2024-05-01");
  });
});

describe("body flags", () => {
  it("are read only at the start (blank lines allowed before them), combined, and are text elsewhere", () => {
    expect(parseBodyFlags("\n\n<%render_html%><%no_email%>\nHi").flags).toEqual(["render_html", "no_email"]);
    const inside = parseBodyFlags("Hi <%no_email%>");
    expect(inside.flags).toEqual([]);
    expect(inside.template).toBe("Hi <%no_email%>");
    // Flags become spaces: line numbers in errors still match the body as written.
    expect(parseBodyFlags("<%no_email%>\n{{ x }}").template).toBe("            \n{{ x }}");
  });

  it("<%no_email%>: no mail (the caller still mails failures), subject and attachments still known", async () => {
    const m = await render("<%no_email%>\n{% for name, t in tables %}{{ t }}{% endfor %}");
    expect(m).toMatchObject({ send: false, skipped: "no_email", html: "", flags: ["no_email"] });
    expect(m.attachments.files.map((f) => f.name)).toEqual(["sales_20240501.csv"]);
    const preview = await render("<%no_email%>hello", csv, { options: { preview: true } });
    expect(preview).toMatchObject({ send: true, html: "hello" });
  });

  it("<%render_html%> appends every table, capped in rows and columns, saying the rest is attached", async () => {
    const m = await render("<%render_html%>\n各位好，今日报表如下：", csv, {
      options: { caps: { maxRows: 2, maxCols: 3 } },
    });
    expect(
      m.html.startsWith('各位好，今日报表如下：\n<h3 class="kairos-table-title">sales_20240501</h3>'),
    ).toBe(true);
    expect(rowsOf(m.html)).toBe(2);
    expect(m.html).toContain("<th>区域</th><th>金额</th><th>达成率</th></tr>");
    expect(m.html).not.toContain("<th>备注</th>");
    expect(m.html).toContain(
      '<p class="kairos-table-note">仅显示 3 行中的前 2 行、4 列中的前 3 列，完整表格见附件 sales_20240501.csv。</p>',
    );
    const en = await render("<%render_html%>", csv, {
      locale: "en",
      options: { caps: { maxRows: 2, maxCols: 10 } },
    });
    expect(en.html).toContain(
      "Showing 2 of 3 rows. The whole table is in the attachment sales_20240501.csv.",
    );
  });

  it("<%render_html%> with a template that places the tables itself caps {{ t }} there", async () => {
    const m = await render(
      "<%render_html%>{% for name, t in tables %}<h4>{{ name }}</h4>{{ t }}{% endfor %}",
      xlsx,
      {
        options: { caps: { maxRows: 1, maxCols: 20 } },
      },
    );
    expect(m.html.match(/<h4>/g)).toHaveLength(2);
    expect(m.html).not.toContain("kairos-table-title");
    expect(rowsOf(m.html)).toBe(2);
    expect(m.html).toContain("仅显示 2 行中的前 1 行");
  });

  it("<%custom_render%>: title and body blocks, text outside the blocks not shown", async () => {
    const m = await render(
      "<%custom_render%>\n这段文字不会出现\n{% block title %}{{ job.name }} {{ date }}{% endblock %}\n" +
        "{% block body %}<p>今日共 {{ tables[0][1]|length }} 行</p>{{ tables[0][1] }}{% endblock %}",
    );
    expect(m.title).toBe("销售日报 2024-05-01");
    expect(m.html).toMatch(/^<p>今日共 3 行<\/p><table border="1" class="dataframe kairos-table">/);
    expect(m.html).not.toContain("这段文字");
    // Its own {% extends %}, with any name, means the same page.
    const own = await render('<%custom_render%>{% extends "base.html" %}{% block body %}B{% endblock %}');
    expect(own.html).toBe("B");
  });

  it("flags combine: <%render_html%><%custom_render%>", async () => {
    const m = await render(
      "<%render_html%><%custom_render%>{% block title %}T{% endblock %}{% block body %}B{% endblock %}",
      csv,
      {
        options: { caps: { maxRows: 1, maxCols: 10 } },
      },
    );
    expect(m.title).toBe("T");
    expect(m.html.startsWith("B\n<h3")).toBe(true);
    expect(rowsOf(m.html)).toBe(1);
  });
});

describe("bodies without flags", () => {
  it("a verbatim body renders to itself; plain text keeps its line breaks, its & and < escaped", async () => {
    const html = "<p>各位领导：</p><p>附件为今日报表，请查收。</p>";
    expect((await render(html)).html).toBe(html);
    const m = await render("各位领导：\n  附件为今日报表 (R&D <2>)，请查收。\n");
    expect(m.html).toBe("各位领导：<br>\n  附件为今日报表 (R&amp;D &lt;2&gt;)，请查收。");
    expect(m.text).toBe("各位领导：\n附件为今日报表 (R&D <2>)，请查收。");
  });
});

describe("template checks", () => {
  it("refuses a template that does not parse, naming the line and column", async () => {
    const bad = "第一行\n{% for name, t in tables %}\n{{ t.to_html(index=False }}\n{% endfor %}";
    expect(checkTemplate(bad)).toMatchObject({ ok: false, error: { kind: "syntax", line: 3 } });
    expect(checkTemplate(bad).error?.column).toBeGreaterThan(0);
    await expect(render(bad)).rejects.toMatchObject({ kind: "syntax", line: 3, part: "body" });
    const unclosed = checkTemplate("a\nb\n{% if tables %}\nno end");
    expect(unclosed).toMatchObject({ ok: false, error: { line: 3, column: 1 } });
    expect(unclosed.error?.detail).toContain("{% if %} is never closed");
    // Lines count from the body as written, flags included.
    expect(checkTemplate("<%render_html%>\n\n{{ }}").error?.line).toBe(3);
    await expect(render("x", csv, { subject: "{{ job.name " })).rejects.toMatchObject({ part: "subject" });
  });

  it("names the line of a template that fails while rendering", async () => {
    const e = await render("ok\n\n{{ job.name.nope() }}").catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TemplateProblem);
    expect(e).toMatchObject({ kind: "render", line: 3 });
  });

  it("refuses JavaScript's escape hatches (a template must not run code in the worker)", async () => {
    for (const tpl of [
      '{{ range.constructor("return process")() }}',
      '{{ "".constructor.constructor("return 1")() }}',
      '{% set k = "constr" ~ "uctor" %}{{ cycler[k]("return 1")() }}',
      "{{ job.__proto__ }}",
      '{% for name, t in tables %}{{ t.table.constructor }}{{ t["prototype"] }}{% endfor %}',
    ]) {
      await expect(render(tpl), tpl).rejects.toMatchObject({
        kind: "render",
        detail: expect.stringMatching(/cannot be used in a template/),
      });
    }
  });

  it("lists undefined names (a misspelt variable must not silently empty a mail)", () => {
    const names = undefinedNames(
      "{{ filenme }}\n{% for name, t in tables %}{{ loop.index }}{{ t }}{{ nme }}{% endfor %}" +
        "{% set total = 1 %}{{ total }}{% macro cell(v, cls='x') %}{{ v }}{{ cls }}{% endmacro %}{{ cell(1) }}" +
        "{% if extra is defined %}{{ extra }}{% endif %}{{ True }}{{ range(3)|join }}{{ date }}{{ job.name }}",
    );
    expect(names).toEqual([
      { name: "filenme", line: 1, column: 4 },
      { name: "nme", line: 2, column: 54 },
    ]);
    expect(checkTemplate("<%no_email%>{{ filename }}")).toEqual({
      ok: true,
      flags: ["no_email"],
      undefinedNames: [],
    });
  });

  it("warns about undefined names and unknown table attributes when rendering", async () => {
    const m = await render("{{ filenme }}{% for name, t in tables %}{{ t.colums }}{% endfor %}");
    expect(m.warnings).toEqual([
      { kind: "undefined", name: "filenme", line: 1, column: 4 },
      { kind: "attribute", name: "colums", table: "sales_20240501" },
    ]);
  });
});

describe("mail decisions", () => {
  it("skips the mail when every table is empty, if asked", async () => {
    const m = await render("{{ filename }}", empty, { options: { skipWhenEmpty: true } });
    expect(m).toMatchObject({ send: false, skipped: "empty" });
    expect((await render("{{ filename }}", csv, { options: { skipWhenEmpty: true } })).send).toBe(true);
  });

  it("chooses attachments by pattern and zips above a size", async () => {
    const both: ReportTables = { ...csv, files: [...csv.files, ...xlsx.files] };
    const byPattern = await render("x", both, {
      options: { attach: { mode: "pattern", pattern: "*.xlsx" } },
    });
    expect(byPattern.attachments.files.map((f) => f.name)).toEqual(["周报.xlsx"]);
    const zipped = await render("x", both, { options: { zipAboveBytes: 10 } });
    expect(zipped.attachments).toMatchObject({ zip: true, zipName: "sales_20240501.zip" });
    expect(zipped.attachments.files).toHaveLength(2);
    const none = await render("x", both, { options: { attach: { mode: "none" } } });
    expect(none.attachments).toMatchObject({ files: [], zip: false, totalBytes: 0 });
  });
});

describe("schemas", () => {
  it("refuse a body that does not parse with its line, accept flags and good bodies", async () => {
    const { ZReportBody, ZReportSubject, ZRenderMailOptions } = await import("../../server/reports/schema");
    expect(
      ZReportBody.safeParse("<%render_html%>\n{% for name, t in tables %}{{ t }}{% endfor %}").success,
    ).toBe(true);
    const bad = ZReportBody.safeParse("ok\n{{ t.to_html(index=False }}");
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toMatch(/^line 2, column \d+: /);
    expect(ZReportSubject.safeParse("{{ job.name }} {{ date }}").success).toBe(true);
    expect(ZReportSubject.safeParse("{% if %}").success).toBe(false);
    expect(ZRenderMailOptions.parse({})).toMatchObject({
      caps: { maxRows: 100, maxCols: 20 },
      attach: { mode: "all" },
    });
    const pattern = ZRenderMailOptions.safeParse({ attach: { mode: "pattern", pattern: "" } });
    expect(pattern.error?.issues[0]?.path).toEqual(["attach", "pattern"]);
  });
});
