/**
 * Reports: a 100,000-row × 10-column report (mixed text, numbers, dates, percentages, Chinese)
 * as CSV (~9 MB) and as XLSX (~6 MB) → tables → the template
 * `{% for name, t in tables %}{{ t }}{% endfor %}` (every table whole, uncapped) → the mail's
 * HTML and text, ready to queue. Beside it, on the same files in the same command, the seed's
 * own pipeline: Python pandas `read_csv` / `read_excel` + Jinja2 rendering `df.to_html(index=False)`
 * (Debian's python3-pandas, python3-jinja2, python3-openpyxl).
 *
 * Each pipeline runs in its own child process, so its time (spawn to exit, interpreter start and
 * imports included) and its peak RSS (VmHWM) are its own. The Kairos child is the library
 * bundled to plain JavaScript (esbuild, as tsx uses it), so the TypeScript loader's thread does
 * not count; its RSS after loading and before reading is reported too.
 *
 * Target (issue 11): at least 5× faster than the seed's pipeline, peak memory under 200 MB.
 * BENCH_ROUNDS (default 1) repeats each measurement; BENCH_ROWS changes the size.
 */
import { execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { createWriteStream, existsSync, mkdirSync, renameSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import ExcelJS from "exceljs";
import { ratio, report, round } from "./lib";

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1);
const TEMPLATE = "{% for name, t in tables %}{{ t }}{% endfor %}";
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const python = ["/usr/bin/python3", "python3"].find((p) => {
  try {
    execFileSync(p, ["-c", "import pandas, jinja2, openpyxl"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
});

// ---- the report files ------------------------------------------------------------------------
const REGIONS = ["华东", "华南", "华北", "西南", "东北", "西北", "华中"];
const CITIES = ["上海", "杭州", "广州", "深圳", "成都", "武汉", "南京", "西安", "天津", "苏州"];
const CORES = ["华宇", "恒通", "新锐", "东方", "金桥", "远航", "鼎盛", "博达", "长青", "天成"];
const KINDS = ["科技", "贸易", "物流", "电子", "食品"];
const PRODUCTS = ["Widget", "Gadget", "Gizmo", "Sprocket", "Module", "Adapter"];
/** A deterministic pseudo-random stream (the same files every run). */
const rnd = (i: number, m: number) => ((i * 2654435761) >>> 0) % m;
const DAY = 86_400_000;
const BASE = Date.UTC(2024, 0, 1);

type Row = {
  order: string;
  date: Date;
  region: string;
  customer: string;
  product: string;
  qty: number;
  price: number;
  amount: number;
  rate: number;
  note: string;
};
function row(i: number): Row {
  const date = new Date(BASE + rnd(i + 1, 366) * DAY);
  const qty = 1 + rnd(i + 7, 500);
  const price = (100 + rnd(i + 3, 90_000)) / 100;
  return {
    order: `SO${String(i).padStart(8, "0")}`,
    date,
    region: REGIONS[rnd(i, REGIONS.length)] as string,
    customer: `${CITIES[rnd(i + 5, 10)]}${CORES[rnd(i + 9, 10)]}${KINDS[rnd(i + 13, 5)]}`,
    product: `${PRODUCTS[rnd(i + 1, 6)]}-${String.fromCharCode(65 + rnd(i + 2, 26))}${rnd(i + 4, 50)}`,
    qty,
    price,
    amount: Math.round(qty * price * 100) / 100,
    rate: rnd(i + 11, 1500) / 1000,
    note: i % 10 === 0 ? `客户要求加急, "周末"送达 #${i}` : i % 3 === 0 ? "正常发货" : "",
  };
}
const HEADER = ["订单号", "日期", "区域", "客户", "商品", "数量", "单价", "金额", "达成率", "备注"];
const csvField = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

async function makeCsv(file: string) {
  const out = createWriteStream(`${file}.part`);
  out.write(`${HEADER.join(",")}\n`);
  for (let i = 0; i < ROWS; i++) {
    const r = row(i);
    const line = [
      r.order,
      r.date.toISOString().slice(0, 10),
      r.region,
      r.customer,
      r.product,
      String(r.qty),
      r.price.toFixed(2),
      r.amount.toFixed(2),
      `${(r.rate * 100).toFixed(1)}%`,
      csvField(r.note),
    ].join(",");
    if (!out.write(`${line}\n`)) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
  renameSync(`${file}.part`, file);
}

async function makeXlsx(file: string) {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename: `${file}.part`,
    useSharedStrings: true,
    useStyles: true,
  });
  const ws = wb.addWorksheet("销售明细");
  const formats: Record<number, string> = { 1: "yyyy-mm-dd", 6: "#,##0.00", 7: "#,##0.00", 8: "0.0%" };
  ws.columns = HEADER.map((header, i) => ({
    header,
    key: `c${i}`,
    style: formats[i] ? { numFmt: formats[i] } : {},
  }));
  for (let i = 0; i < ROWS; i++) {
    const r = row(i);
    ws.addRow([
      r.order,
      r.date,
      r.region,
      r.customer,
      r.product,
      r.qty,
      r.price,
      r.amount,
      r.rate,
      r.note || null,
    ]).commit();
  }
  ws.commit();
  await wb.commit();
  renameSync(`${file}.part`, file);
}

const dataDir = path.join(os.tmpdir(), `kairos-bench-reports-v2-${ROWS}`);
mkdirSync(dataDir, { recursive: true });
const csvFile = path.join(dataDir, "销售日报.csv");
const xlsxFile = path.join(dataDir, "销售日报.xlsx");
if (!existsSync(csvFile)) await makeCsv(csvFile);
if (!existsSync(xlsxFile)) await makeXlsx(xlsxFile);

// ---- the two pipelines, each in a child process ----------------------------------------------
const resultsDir = path.join(root, "bench", "results");
mkdirSync(resultsDir, { recursive: true });
const childDir = path.join(resultsDir, "reports-child");
// esbuild names a stdin entry "stdin.js".
const childJs = path.join(childDir, "stdin.js");
await build({
  stdin: {
    contents: `
      import { readFileSync } from "node:fs";
      import { readReportTables, renderReportMail } from "./server/reports/index.ts";
      const hwm = () => Number(/VmHWM:\\s+(\\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"))[1]) * 1024;
      const rss = () => Number(/VmRSS:\\s+(\\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"))[1]) * 1024;
      const baseline = rss();
      const t0 = performance.now();
      const report = await readReportTables([{ path: process.argv[2] }]);
      const t1 = performance.now();
      const mail = await renderReportMail({ template: process.argv[3], report, job: { name: "bench" }, date: new Date(), locale: "zh-CN" });
      const t2 = performance.now();
      let rows = 0;
      for (let i = mail.html.indexOf("<tr"); i >= 0; i = mail.html.indexOf("<tr", i + 3)) rows++;
      const cpu = process.cpuUsage();
      console.log(JSON.stringify({ readMs: t1 - t0, renderMs: t2 - t1, htmlChars: mail.html.length,
        textChars: mail.text.length, rows, baselineRss: baseline, peakRss: hwm(),
        cpuSeconds: (cpu.user + cpu.system) / 1e6 }));
    `,
    resolveDir: root,
    sourcefile: "reports-child.ts",
    loader: "ts",
  },
  bundle: true,
  // Chunks for dynamic imports: the CSV pipeline does not load the XLSX reader, as in Kairos.
  splitting: true,
  packages: "external",
  // Plain Node, not a React server: the marker's no-op build.
  alias: { "server-only": "./node_modules/server-only/empty.js" },
  platform: "node",
  format: "esm",
  target: "node20",
  outdir: childDir,
  entryNames: "[name]",
  logLevel: "warning",
});

const PY = `
import json, re, resource, sys, time
t0 = time.perf_counter()
import pandas as pd, jinja2
kind, path, template = sys.argv[1], sys.argv[2], sys.argv[3]
stem = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
if kind == "csv":
    frames = [(stem, pd.read_csv(path))]
else:
    frames = list(pd.read_excel(path, sheet_name=None).items())
t1 = time.perf_counter()
# email_center handed templates the HTML of each DataFrame.
tables = [(name, df.to_html(index=False)) for name, df in frames]
html = jinja2.Template(template).render(filename=stem, tables=tables)
t2 = time.perf_counter()
hwm = int(re.search(r"VmHWM:\\s+(\\d+) kB", open("/proc/self/status").read()).group(1)) * 1024
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"readMs": (t1 - t0) * 1000, "renderMs": (t2 - t1) * 1000, "htmlChars": len(html),
                  "rows": html.count("<tr"), "peakRss": hwm, "cpuSeconds": usage.ru_utime + usage.ru_stime}))
`;
const pyFile = path.join(resultsDir, "reports-seed.py");
writeFileSync(pyFile, PY);

type ChildResult = {
  seconds: number;
  readMs: number;
  renderMs: number;
  htmlChars: number;
  rows: number;
  peakRss: number;
  cpuSeconds: number;
  baselineRss?: number;
};

async function runChild(cmd: string, args: string[]): Promise<ChildResult> {
  const t0 = performance.now();
  const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "inherit"], cwd: root });
  let out = "";
  child.stdout.on("data", (d) => {
    out += d;
  });
  const [code] = (await once(child, "exit")) as [number | null];
  const seconds = (performance.now() - t0) / 1000;
  if (code !== 0) throw new Error(`${cmd} ${args[0]} exited with ${code}`);
  return { seconds, ...(JSON.parse(out.trim().split("\n").pop() as string) as Omit<ChildResult, "seconds">) };
}

const best = (xs: ChildResult[]) => xs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
const mib = (b: number) => round(b / 2 ** 20, 1);

const results: Record<string, { kairos: ChildResult; seed?: ChildResult; bytes: number }> = {};
for (const [kind, file] of [
  ["csv", csvFile],
  ["xlsx", xlsxFile],
] as const) {
  const kairos: ChildResult[] = [];
  const seed: ChildResult[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    kairos.push(await runChild(process.execPath, [childJs, file, TEMPLATE]));
    if (python) seed.push(await runChild(python, [pyFile, kind, file, TEMPLATE]));
  }
  results[kind] = {
    kairos: best(kairos),
    seed: seed.length ? best(seed) : undefined,
    bytes: statSync(file).size,
  };
}

const rows: [string, string | number][] = [
  ["machine", `${os.cpus().length} cores, shared with other work (times are noisy; compare ratios)`],
  ["rows × columns", `${ROWS} × ${HEADER.length}`],
];
const json: Record<string, unknown> = { rows: ROWS, rounds: ROUNDS, python: python ?? null };
let met = true;
for (const [kind, r] of Object.entries(results)) {
  const k = r.kairos;
  const s = r.seed;
  const speedup = s ? ratio(s.seconds, k.seconds) : null;
  if (!s || (speedup as number) < 5 || k.peakRss >= 200 * 2 ** 20) met = false;
  rows.push(
    [`${kind} file (MB)`, round(r.bytes / 1e6, 1)],
    [
      `${kind} Kairos: seconds (read + render ms)`,
      `${round(k.seconds)}  (${Math.round(k.readMs)} + ${Math.round(k.renderMs)})`,
    ],
    [`${kind} Kairos: peak RSS MiB (after loading)`, `${mib(k.peakRss)}  (${mib(k.baselineRss ?? 0)})`],
    [
      `${kind} seed pandas+Jinja2: seconds, peak RSS MiB`,
      s ? `${round(s.seconds)}  ${mib(s.peakRss)}` : "python3 with pandas, jinja2, openpyxl not found",
    ],
    [`${kind} CPU seconds (Kairos, seed)`, `${round(k.cpuSeconds)}, ${s ? round(s.cpuSeconds) : "-"}`],
    [`${kind} speed-up (seed s / Kairos s)`, speedup ?? "-"],
    [`${kind} CPU speed-up (seed / Kairos)`, s ? ratio(s.cpuSeconds, k.cpuSeconds) : "-"],
    [`${kind} memory (Kairos / seed peak RSS)`, s ? ratio(k.peakRss, s.peakRss) : "-"],
    [`${kind} table rows in HTML (Kairos, seed)`, `${k.rows}, ${s?.rows ?? "-"}`],
  );
  json[kind] = {
    megabytes: round(r.bytes / 1e6, 2),
    kairosSeconds: round(k.seconds),
    kairosReadMs: Math.round(k.readMs),
    kairosRenderMs: Math.round(k.renderMs),
    kairosPeakRssMiB: mib(k.peakRss),
    kairosLoadedRssMiB: mib(k.baselineRss ?? 0),
    kairosHtmlChars: k.htmlChars,
    seedSeconds: s ? round(s.seconds) : null,
    seedPeakRssMiB: s ? mib(s.peakRss) : null,
    kairosCpuSeconds: round(k.cpuSeconds),
    seedCpuSeconds: s ? round(s.cpuSeconds) : null,
    speedup,
    cpuSpeedup: s ? ratio(s.cpuSeconds, k.cpuSeconds) : null,
    memoryRatio: s ? ratio(k.peakRss, s.peakRss) : null,
  };
}
rows.push(["target (≥5× faster, peak < 200 MiB)", met ? "met" : "NOT met"]);
json.targetMet = met;
report("reports", rows, json);
