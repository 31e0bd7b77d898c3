import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "../../server/db/client";
import { outbox, users } from "../../server/db/schema";
import { runJobNow } from "../../server/jobs/jobs";
import { diffLines } from "../../server/reports/line-diff";
import { uploadScript } from "../../server/reports/scripts";
import { ADMIN, makeJob, waitForFinishedRuns } from "../helpers/jobs";
import { reportWorkerFixture } from "../helpers/report-worker";
import { callerFor, httpCall, makeUser } from "../helpers/users";
import { waitFor } from "../helpers/wait";

const fx = reportWorkerFixture("kairos-editor-");

const SCRIPT = `
out="$1"
printf 'region,amount\\n华东,1234\\n华南,567\\n' > "$out/sales.csv"
`;

const BODY = "<p>{{ filenme }}</p>{% for name, t in tables %}<h2>{{ name }}</h2>{{ t }}{% endfor %}";

let jobId = 0;
let scriptId = 0;
let runId = 0;

async function ranJob() {
  if (jobId) return;
  const v = await uploadScript(getDb(), ADMIN, { name: "sales.sh", content: SCRIPT });
  scriptId = v.id;
  const job = await makeJob({
    mode: "script",
    params: { scriptId: v.id, mail: { to: ["boss@example.com"], cc: ["cc@example.com"], body: "<p>hi</p>" } },
  });
  jobId = job.id;
  await runJobNow(getDb(), ADMIN, job.id);
  const [run] = await waitForFinishedRuns(job.id, 1, 30_000, fx.worker);
  expect(run?.status, run?.error ?? "").toBe("succeeded");
  runId = run?.id ?? 0;
  // The run's own report mail, out of the way before the tests count mails.
  await waitFor("the run's mail", () => fx.smtp.messages.find((m) => m.subject?.includes(job.name)), 20_000);
}

describe("template preview", () => {
  it("renders the job's mail against its last run's files, and warns about undefined names", async () => {
    await ranJob();
    const operator = callerFor(await makeUser("operator"));
    const p = await operator.reports.templates.preview({
      jobId,
      mail: { subject: "Sales {{ date }}", body: BODY },
    });
    expect(p.source).toMatchObject({ runId, jobId, files: ["sales.csv"] });
    expect(p.error).toBeUndefined();
    expect(p.mail?.html).toContain("<td>华东</td>");
    expect(p.mail?.html).toContain("<h2>sales</h2>");
    expect(p.mail?.subject).toMatch(/^Sales \d{4}-\d{2}-\d{2}$/);
    expect(p.mail?.attachments).toEqual(["sales.csv"]);
    expect(p.body.undefinedNames).toEqual([{ name: "filenme", line: 1, column: 7 }]);
    expect(p.warnings).toContainEqual({ kind: "undefined", name: "filenme", line: 1, column: 7 });
    // Spelt right: no warning.
    const fixed = await operator.reports.templates.preview({
      jobId,
      mail: { body: BODY.replace("filenme", "filename") },
    });
    expect(fixed.body.undefinedNames).toEqual([]);
    expect(fixed.warnings.filter((w) => w.kind === "undefined")).toEqual([]);
    expect(fixed.mail?.html).toContain("<p>sales</p>");
  });

  it("a new job previews against its script's last run; a template that does not parse names its line", async () => {
    await ranJob();
    const admin = callerFor(await makeUser("admin"));
    const p = await admin.reports.templates.preview({ scriptId, mail: { body: "{{ tables | length }}" } });
    expect(p.source?.runId).toBe(runId);
    expect(p.mail?.html).toContain(">1<");

    const bad = await admin.reports.templates.preview({
      jobId,
      mail: { body: "<p>ok</p>\n{% for t in tables %}\n{{ t }}" },
    });
    expect(bad.mail).toBeUndefined();
    expect(bad.error).toMatchObject({ part: "body", kind: "syntax", line: 2 });

    const badSubject = await admin.reports.templates.preview({ jobId, mail: { subject: "{{ x", body: "" } });
    expect(badSubject.error).toMatchObject({ part: "subject", kind: "syntax" });
  });

  it("says that <%no_email%> and skip-when-empty would send nothing, and shows the mail anyway", async () => {
    await ranJob();
    const admin = callerFor(await makeUser("admin"));
    const p = await admin.reports.templates.preview({
      jobId,
      mail: { body: "<%no_email%>\n<p>{{ filename }}</p>" },
    });
    expect(p.body.flags).toEqual(["no_email"]);
    expect(p.mail?.skipped).toBe("no_email");
    expect(p.mail?.html).toContain("<p>sales</p>");
    const all = await admin.reports.templates.preview({ jobId, mail: { body: "x", skipWhenEmpty: true } });
    expect(all.mail?.skipped).toBeUndefined();
  });

  it("without any run it renders with no tables; viewers may not preview", async () => {
    const v = await uploadScript(getDb(), ADMIN, { name: "never-ran.sh", content: "echo hi" });
    const admin = callerFor(await makeUser("admin"));
    const p = await admin.reports.templates.preview({
      scriptId: v.id,
      mail: { body: "<%render_html%>\n<p>{{ tables | length }} tables</p>" },
    });
    expect(p.source).toBeNull();
    expect(p.mail?.html).toContain("<p>0 tables</p>");
    const viewer = await makeUser("viewer");
    const res = await httpCall(viewer, "reports.templates.preview", { scriptId: v.id, mail: { body: "" } });
    expect(res.error?.data.code).toBe("FORBIDDEN");
  });
});

describe("send a test to me", () => {
  it("mails the last run's report to the caller only, marked as a test, through the outbox", async () => {
    await ranJob();
    const me = await makeUser("operator");
    const before = fx.smtp.messages.length;
    const sent = await callerFor(me).reports.sendTest({ jobId });
    expect(sent).toMatchObject({ to: me.email, runId, attachments: ["sales.csv"] });
    const [row] = await getDb().select().from(outbox).where(eq(outbox.id, sent.outboxId));
    expect(row).toMatchObject({ kind: "report-test", to: [me.email], cc: [], bcc: [], createdBy: me.id });
    const mail = await waitFor(
      "the test mail",
      () => fx.smtp.messages.slice(before).find((m) => m.subject?.startsWith("[Test] ")),
      20_000,
    );
    expect((mail.to as { text: string }).text).toBe(me.email);
    expect(mail.cc).toBeUndefined();
    expect(mail.attachments.map((a) => a.filename)).toEqual(["sales.csv"]);
    expect(mail.html).toContain("<p>hi</p>");
    // Its button opens the run: a test mints no link that opens without an account.
    expect(mail.html).toContain(`http://kairos.test/runs/${runId}`);
    expect(mail.html).not.toContain("/share/");
  });

  it("is refused without an address, without a run, and for viewers", async () => {
    await ranJob();
    const noMail = await makeUser("operator");
    await getDb().update(users).set({ email: null }).where(eq(users.id, noMail.id));
    const r1 = await httpCall({ ...noMail, email: null }, "reports.sendTest", { jobId });
    expect(r1.error?.message).toContain("no email address");

    const v = await uploadScript(getDb(), ADMIN, { name: "idle.sh", content: "echo idle" });
    const idle = await makeJob({ mode: "script", params: { scriptId: v.id } });
    const r2 = await httpCall(await makeUser("admin"), "reports.sendTest", { jobId: idle.id });
    expect(r2.error?.message).toContain("no run with report files");

    const plain = await makeJob({ mode: "http", params: { url: "http://127.0.0.1:9/" } });
    const r3 = await httpCall(await makeUser("admin"), "reports.sendTest", { jobId: plain.id });
    expect(r3.error?.data.fieldErrors).toMatchObject({ jobId: [expect.stringContaining("report mail")] });

    const r4 = await httpCall(await makeUser("viewer"), "reports.sendTest", { jobId });
    expect(r4.error?.data.code).toBe("FORBIDDEN");
  });
});

describe("script version diff", () => {
  it("shows the lines removed and added between two versions", async () => {
    const name = `diff-${Date.now()}.py`;
    const v1 = await uploadScript(getDb(), ADMIN, { name, content: "import sys\nprint('a')\nprint('b')\n" });
    const v2 = await uploadScript(getDb(), ADMIN, {
      name,
      content: "import sys\nprint('A')\nprint('b')\nx = 1\n",
    });
    const d = await callerFor(await makeUser("operator")).reports.scripts.diff({
      fromId: v1.id,
      toId: v2.id,
    });
    expect(d.from.version).toBe(1);
    expect(d.to.version).toBe(2);
    expect("text" in d.from).toBe(false);
    expect({ added: d.added, removed: d.removed }).toEqual({ added: 2, removed: 1 });
    expect(d.lines.map((l) => `${l.op === "same" ? " " : l.op === "add" ? "+" : "-"}${l.text}`)).toEqual([
      " import sys",
      "-print('a')",
      "+print('A')",
      " print('b')",
      "+x = 1",
    ]);
  });

  it("is a shortest edit script that rebuilds both texts (random texts beside a reference LCS)", () => {
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 300; round++) {
      const a = Array.from({ length: rand(12) }, () => "abcd"[rand(4)] as string);
      const b = Array.from({ length: rand(12) }, () => "abcd"[rand(4)] as string);
      const d = diffLines(a.map((x) => `${x}\n`).join(""), b.map((x) => `${x}\n`).join(""));
      expect(d.lines.filter((l) => l.op !== "add").map((l) => l.text)).toEqual(a);
      expect(d.lines.filter((l) => l.op !== "del").map((l) => l.text)).toEqual(b);
      const lcs = lcsLength(a, b);
      expect(d.removed).toBe(a.length - lcs);
      expect(d.added).toBe(b.length - lcs);
    }
  });

  it("past the edit limit, shows the middle as removed then added", () => {
    const a = Array.from({ length: 50 }, (_, i) => `a${i}`).join("\n");
    const b = Array.from({ length: 50 }, (_, i) => `b${i}`).join("\n");
    const d = diffLines(`head\n${a}\ntail`, `head\n${b}\ntail`, 10);
    expect(d).toMatchObject({ cut: true, added: 50, removed: 50 });
    expect(d.lines[0]).toEqual({ op: "same", text: "head", a: 1, b: 1 });
    expect(d.lines.at(-1)).toEqual({ op: "same", text: "tail", a: 52, b: 52 });
  });
});

function lcsLength(a: string[], b: string[]): number {
  const w = b.length + 1;
  const dp = new Int32Array((a.length + 1) * w);
  const at = (i: number, j: number) => dp[i * w + j] ?? 0;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      dp[i * w + j] = a[i - 1] === b[j - 1] ? at(i - 1, j - 1) + 1 : Math.max(at(i - 1, j), at(i, j - 1));
  return at(a.length, b.length);
}
