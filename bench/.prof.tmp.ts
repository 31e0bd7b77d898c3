import { readReportTables, renderReportMail } from "../server/reports/index";
const file = process.argv[2] as string;
for (let round = 0; round < 2; round++) {
  const t0 = performance.now();
  const report = await readReportTables([{ path: file }]);
  const t1 = performance.now();
  const mail = await renderReportMail({ template: "{% for name, t in tables %}{{ t }}{% endfor %}", report, job: { name: "bench" }, date: new Date(), locale: "zh-CN" });
  const t2 = performance.now();
  console.log(JSON.stringify({ readMs: Math.round(t1 - t0), renderMs: Math.round(t2 - t1), html: mail.html.length }));
}
