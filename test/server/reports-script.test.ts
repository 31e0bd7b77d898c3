/**
 * Issue 11, stage 2: script jobs end to end — a real Python script (run by Debian's python3,
 * with openpyxl) writes a CSV and an XLSX into its output folder → the run archives them →
 * the report mail reaches a real SMTP peer with both files attached, the tables rendered into
 * the body under <%render_html%>; failures mail the job's error addresses even under
 * <%no_email%>; a GBK CSV is attached byte for byte; a template that does not parse is refused
 * at save naming its line.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import type { ParsedMail } from "mailparser";
import { describe, expect, it } from "vitest";
import { getDb } from "../../server/db/client";
import { outbox, reportFiles, runLogs } from "../../server/db/schema";
import { createJob, runJobNow } from "../../server/jobs/jobs";
import { listRunFiles, pruneReportFolders, runReportDir } from "../../server/reports/archive";
import { uploadScript } from "../../server/reports/scripts";
import { ADMIN, makeJob, waitForFinishedRuns } from "../helpers/jobs";
import { reportWorkerFixture } from "../helpers/report-worker";
import { waitFor } from "../helpers/wait";

const PYTHON = process.env.KAIROS_TEST_PYTHON ?? "/usr/bin/python3";
const fx = reportWorkerFixture("kairos-reports-", () => ({ KAIROS_PYTHON: PYTHON }));

const SALES_PY = `
import csv, os, sys
from openpyxl import Workbook

out = sys.argv[1]
assert out == os.environ["KAIROS_OUTPUT_DIR"], (out, os.environ["KAIROS_OUTPUT_DIR"])
assert os.listdir(out) == [], "the output folder must start empty"
print("run", os.environ["KAIROS_RUN_ID"], "job", os.environ["KAIROS_JOB_NAME"], "at", os.environ["KAIROS_SCHEDULED_AT"])
with open(os.path.join(out, "sales.csv"), "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["region", "amount"])
    w.writerow(["华东", 1234])
    w.writerow(["华南", 567])
wb = Workbook()
ws = wb.active
ws.title = "达成率"
ws.append(["team", "rate"])
ws.append(["alpha", 0.91])
ws.append(["beta", 0.98])
wb.save(os.path.join(out, "rates.xlsx"))
print("wrote 2 files")
`;

async function logOf(runId: number) {
  return (await getDb().select().from(runLogs).where(eq(runLogs.runId, runId)).orderBy(runLogs.seq))
    .map((c) => c.data)
    .join("");
}

function mailTo(address: string, subject?: RegExp) {
  return waitFor(
    `a mail to ${address}`,
    async () =>
      fx.smtp.messages.find(
        (m) =>
          (m.to as { text: string } | undefined)?.text.includes(address) &&
          (!subject || subject.test(m.subject ?? "")),
      ) ?? null,
    20_000,
  );
}

async function scriptJob(
  name: string,
  text: string,
  mail: Record<string, unknown>,
  extra: Record<string, unknown> = {},
) {
  const v = await uploadScript(getDb(), ADMIN, { name, content: text });
  return makeJob({ mode: "script", params: { scriptId: v.id, mail }, ...extra });
}

describe("script jobs", () => {
  it("runs a Python script, archives its CSV and XLSX, and mails both with the tables in the body", async () => {
    const job = await scriptJob("sales.py", SALES_PY, {
      to: ["boss@example.com"],
      cc: ["cc@example.com"],
      subject: "{{ job.name }} 日报 {{ date }}",
      body: "<%render_html%>\n<p>各位好，{{ filename }} 如下：</p>\n{% for name, t in tables %}<h4>{{ name }}</h4>{{ t }}{% endfor %}\n{% for name, t in tables %}{% for row in t.itertuples(index=False) %}{% if row[1] is number and row[1] < 0.95 %}<p>low: {{ row[0] }}</p>{% endif %}{% endfor %}{% endfor %}",
    });
    await runJobNow(getDb(), ADMIN, job.id);
    const [run] = await waitForFinishedRuns(job.id, 1, 30_000);
    const log = await logOf(run?.id ?? 0);
    expect(run?.status, `${run?.error}\n${log}`).toBe("succeeded");
    expect(log).toContain(`run ${run?.id} job ${job.name}`);
    expect(log).toContain("wrote 2 files");

    const files = await listRunFiles(getDb(), run?.id ?? 0);
    expect(files.map((f) => f.name).sort()).toEqual(["rates.xlsx", "sales.csv"]);
    for (const f of files) {
      const bytes = readFileSync(path.join(fx.dataDir, f.path));
      expect(f.size).toBe(bytes.length);
      expect(f.sha256).toBe(createHash("sha256").update(bytes).digest("hex"));
      expect(f.path.startsWith(`reports/${job.id}/${run?.id}/`)).toBe(true);
    }
    expect(files.find((f) => f.name === "sales.csv")?.contentType).toBe("text/csv");

    const mail: ParsedMail = await mailTo("boss@example.com");
    expect(mail.subject).toMatch(new RegExp(`^${job.name} 日报 \\d{4}-\\d{2}-\\d{2}$`));
    expect((mail.cc as { text: string } | undefined)?.text).toContain("cc@example.com");
    expect(mail.attachments.map((a) => a.filename).sort()).toEqual(["rates.xlsx", "sales.csv"]);
    const csv = mail.attachments.find((a) => a.filename === "sales.csv");
    expect(
      csv?.content.equals(
        readFileSync(path.join(fx.dataDir, files.find((f) => f.name === "sales.csv")?.path ?? "")),
      ),
    ).toBe(true);
    const html = mail.html || "";
    expect(html).toContain("各位好，sales 如下");
    expect(html).toMatch(/<th>region<\/th>\s*<th>amount<\/th>/);
    expect(html).toContain("<td>华东</td>");
    expect(html).toContain("<h4>达成率</h4>");
    expect(html).toContain("<td>alpha</td>");
    expect(html).toContain("low: alpha");
    expect(html).not.toContain("low: beta");
    expect(html).toContain(`http://kairos.test/runs/${run?.id}`);
    expect(mail.text).toContain("华东");
  });

  it("under <%no_email%> mails nothing when the script works, but a failing script still mails its error", async () => {
    const ok = await scriptJob("quiet.py", SALES_PY, {
      to: ["quiet@example.com"],
      body: "<%no_email%>\n{{ t }}",
    });
    await runJobNow(getDb(), ADMIN, ok.id);
    const [good] = await waitForFinishedRuns(ok.id, 1, 30_000);
    expect(good?.status, good?.error ?? "").toBe("succeeded");
    expect(await logOf(good?.id ?? 0)).toContain("no mail: no_email");
    expect((await listRunFiles(getDb(), good?.id ?? 0)).length).toBe(2);

    const bad = await scriptJob(
      "broken.py",
      'import sys\nprint("starting")\nsys.stderr.write("Traceback: database unreachable\\n")\nsys.exit(3)\n',
      { to: ["quiet@example.com"], body: "<%no_email%>" },
      { notifyEmails: ["oncall@example.com"] },
    );
    await runJobNow(getDb(), ADMIN, bad.id);
    const [failed] = await waitForFinishedRuns(bad.id, 1, 30_000);
    expect(failed).toMatchObject({ status: "failed", exitCode: 3 });
    const error = await mailTo("oncall@example.com");
    expect(error.subject).toContain(bad.name);
    expect(error.text).toContain("exit code 3");
    expect(error.text).toContain("database unreachable");
    const sent = await getDb().select().from(outbox);
    expect(sent.filter((m) => m.to.includes("quiet@example.com"))).toHaveLength(0);
    expect(sent.filter((m) => m.to.includes("oncall@example.com"))).toHaveLength(1);
  });

  it("fails a run whose script writes no file, and mails that", async () => {
    const job = await scriptJob(
      "nothing.sh",
      'echo "no report today"\n',
      { to: ["x@example.com"] },
      {
        notifyEmails: ["nofile@example.com"],
      },
    );
    await runJobNow(getDb(), ADMIN, job.id);
    const [run] = await waitForFinishedRuns(job.id, 1, 30_000);
    expect(run).toMatchObject({ status: "failed", exitCode: 0 });
    expect(run?.error).toMatch(/no report file/);
    const error = await mailTo("nofile@example.com");
    expect(error.text).toMatch(/no report file/);
  });

  it("attaches a GBK CSV byte for byte and renders it right", async () => {
    const job = await scriptJob(
      "gbk.py",
      `import os, sys\nwith open(os.path.join(sys.argv[1], "地区销售.csv"), "w", encoding="gbk", newline="") as f:\n    f.write("地区,销售额\\r\\n华东,100\\r\\n华北,200\\r\\n")\n`,
      { to: ["gbk@example.com"], body: "<%render_html%>" },
    );
    await runJobNow(getDb(), ADMIN, job.id);
    const [run] = await waitForFinishedRuns(job.id, 1, 30_000);
    expect(run?.status, run?.error ?? "").toBe("succeeded");
    const [file] = await listRunFiles(getDb(), run?.id ?? 0);
    const onDisk = readFileSync(path.join(fx.dataDir, file?.path ?? ""));
    expect(onDisk.includes(Buffer.from("地区", "utf8"))).toBe(false);
    const mail = await mailTo("gbk@example.com");
    const att = mail.attachments[0];
    expect(att?.filename).toBe("地区销售.csv");
    expect(att?.content.equals(onDisk)).toBe(true);
    expect(mail.html).toContain("<td>华东</td>");
    expect(mail.html).toContain("<th>销售额</th>");
  });

  it("refuses a body that does not parse when the job is saved, naming the line", async () => {
    const v = await uploadScript(getDb(), ADMIN, { name: "sales.py", content: SALES_PY });
    const save = createJob(getDb(), ADMIN, {
      name: "bad template",
      cron: "0 0 1 1 *",
      timezone: "UTC",
      mode: "script",
      params: {
        scriptId: v.id,
        mail: { to: ["a@example.com"], body: "<p>hello</p>\n{% for t in tables %}\n{{ t }}\n" },
      },
    });
    await expect(save).rejects.toThrow(/line \d/);
    await save.catch((e: unknown) => {
      const issues = (e as { issues?: { path: string[]; message: string }[] }).issues ?? [];
      expect(issues[0]?.path).toEqual(["params", "mail", "body"]);
    });
  });

  it("removes the folders of pruned runs", async () => {
    const job = await scriptJob("sales.py", SALES_PY, {});
    await runJobNow(getDb(), ADMIN, job.id);
    const [run] = await waitForFinishedRuns(job.id, 1, 30_000);
    expect(run?.status, run?.error ?? "").toBe("succeeded");
    const dir = runReportDir(job.id, run?.id ?? 0);
    expect(readFileSync(path.join(dir, "sales.csv")).length).toBeGreaterThan(0);
    await getDb()
      .delete(reportFiles)
      .where(eq(reportFiles.runId, run?.id ?? 0));
    await getDb().execute(`delete from runs where id = ${run?.id}` as never);
    expect(await pruneReportFolders(getDb())).toBeGreaterThanOrEqual(1);
    expect(() => readFileSync(path.join(dir, "sales.csv"))).toThrow();
  });
});
