/**
 * Issue 11, stage 3: share links. A script run's report mail carries a link that opens the run's
 * report without an account (the tRPC procedures the share page uses, and the download route
 * handler); it expires, it can be revoked, and it reaches no other file: another run's file by
 * id, a path in place of an id, a token with a path in it, a file row pointed outside its folder.
 * Also the viewer's server side: pages of a table and a chart's points, through the link.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { GET } from "../../app/share/[token]/files/[id]/route";
import { getDb } from "../../server/db/client";
import { reportFiles } from "../../server/db/schema";
import { runJobNow } from "../../server/jobs/jobs";
import { listRunFiles } from "../../server/reports/archive";
import { uploadScript } from "../../server/reports/scripts";
import { createShare, revokeShare, viewShare } from "../../server/reports/share";
import { ADMIN, makeJob, waitForFinishedRuns } from "../helpers/jobs";
import { reportWorkerFixture } from "../helpers/report-worker";
import { callerFor, makeUser } from "../helpers/users";
import { waitFor } from "../helpers/wait";

const fx = reportWorkerFixture("kairos-share-");

// 120 rows of a date and a number, and a second file: enough for three pages of 50.
const SCRIPT = `
out="$1"
{ echo "day,amount,region"; i=1; while [ $i -le 120 ]; do echo "2024-01-$(printf %03d $i),$((i * 10)),华东"; i=$((i + 1)); done; } > "$out/daily.csv"
echo "note" > "$out/readme.txt"
`;

async function scriptRun(to: string) {
  const v = await uploadScript(getDb(), ADMIN, { name: "daily.sh", content: SCRIPT });
  const job = await makeJob({ mode: "script", params: { scriptId: v.id, mail: { to: [to] } } });
  await runJobNow(getDb(), ADMIN, job.id);
  const [run] = await waitForFinishedRuns(job.id, 1, 30_000, fx.worker);
  expect(run?.status, run?.error ?? "").toBe("succeeded");
  return { job, run: run as NonNullable<typeof run>, files: await listRunFiles(getDb(), run?.id ?? 0) };
}

const download = (token: string, id: string) =>
  GET(new Request(`http://kairos.test/share/${token}/files/${id}`), {
    params: Promise.resolve({ token, id }),
  });

describe("share links", () => {
  it("the report mail carries a link that opens the run's report anonymously, and no other file", async () => {
    const { job, run, files } = await scriptRun("share@example.com");
    const mail = await waitFor(
      "the report mail",
      () =>
        fx.smtp.messages.find((m) =>
          (m.to as { text: string } | undefined)?.text.includes("share@example.com"),
        ),
      20_000,
    );
    const token = /http:\/\/kairos\.test\/share\/([A-Za-z0-9_-]{43})/.exec(mail.html || "")?.[1] ?? "";
    expect(token).toHaveLength(43);
    expect(mail.text).toContain(`http://kairos.test/share/${token}`);

    const anonymous = callerFor(null);
    const shared = await anonymous.reports.shared.get({ token });
    expect(shared).toMatchObject({ state: "ok", jobName: job.name, locale: "en" });
    if (shared.state !== "ok") throw new Error("not ok");
    expect(shared.files.map((f) => f.name).sort()).toEqual(["daily.csv", "readme.txt"]);

    const csv = files.find((f) => f.name === "daily.csv");
    const res = await download(token, String(csv?.id));
    expect(res.status).toBe(200);
    expect(
      Buffer.from(await res.arrayBuffer()).equals(readFileSync(path.join(fx.dataDir, csv?.path ?? ""))),
    ).toBe(true);
    expect(res.headers.get("content-disposition")).toContain("daily.csv");

    // The viewer through the link: server-side pages, and a chart's points.
    const page2 = await anonymous.reports.shared.view({ token, fileId: csv?.id ?? 0, page: 2, size: 50 });
    expect(page2).toMatchObject({
      kind: "table",
      columns: ["day", "amount", "region"],
      totalRows: 120,
      keptRows: 120,
    });
    if (page2.kind !== "table") throw new Error("no table");
    expect(page2.rows).toHaveLength(50);
    expect(page2.rows[0]).toEqual(["2024-01-051", "510", "华东"]);
    expect(page2.numeric).toEqual([1]);
    const page3 = await anonymous.reports.shared.view({ token, fileId: csv?.id ?? 0, page: 3, size: 50 });
    expect(page3.kind === "table" && page3.rows.length).toBe(20);
    const chart = await anonymous.reports.shared.chart({ token, fileId: csv?.id ?? 0, x: 0, y: 1 });
    expect(chart.points).toHaveLength(120);
    expect(chart.points[119]).toEqual({ x: "2024-01-120", y: 1200 });
    const txt = files.find((f) => f.name === "readme.txt");
    expect(await anonymous.reports.shared.view({ token, fileId: txt?.id ?? 0 })).toEqual({ kind: "none" });

    // Another run's file, by id, through this link: as if it did not exist.
    const other = await scriptRun("other@example.com");
    const foreign = other.files.find((f) => f.name === "daily.csv");
    expect((await download(token, String(foreign?.id))).status).toBe(404);
    await expect(anonymous.reports.shared.view({ token, fileId: foreign?.id ?? 0 })).rejects.toThrow(
      /not found/,
    );
    // Paths where an id or a token goes.
    for (const id of [
      "../../../etc/passwd",
      "..%2F..%2Fetc%2Fpasswd",
      `${csv?.id}/../${foreign?.id}`,
      "1e3",
      "-1",
    ]) {
      expect((await download(token, id)).status, id).toBe(404);
    }
    expect((await download(`../${token}`, String(csv?.id))).status).toBe(404);
    expect((await anonymous.reports.shared.get({ token: "../../etc/passwd" })).state).toBe("missing");
    // A file row pointed outside its run's folder is refused, not read.
    await getDb()
      .update(reportFiles)
      .set({ path: "../../../../etc/passwd" })
      .where(eq(reportFiles.id, txt?.id ?? 0));
    expect((await download(token, String(txt?.id))).status).toBe(404);
    expect(run.id).toBeGreaterThan(0);
  });

  it("expires, and is revoked; creating and revoking need reports.share", async () => {
    const { run, files } = await scriptRun("exp@example.com");
    const csv = files.find((f) => f.name === "daily.csv");
    const old = await createShare(
      getDb(),
      ADMIN,
      { runId: run.id, days: 1 },
      new Date(Date.now() - 2 * 86_400_000),
    );
    expect((await viewShare(getDb(), old.token)).state).toBe("expired");
    expect((await download(old.token, String(csv?.id))).status).toBe(404);
    expect((await callerFor(null).reports.shared.get({ token: old.token })).state).toBe("expired");

    const operator = await makeUser("operator");
    const made = await callerFor(operator).reports.shares.create({ runId: run.id, days: 7 });
    expect(made.url).toBe(`http://kairos.test/share/${made.token}`);
    expect((await download(made.token, String(csv?.id))).status).toBe(200);
    const listed = await callerFor(operator).reports.shares.ofRun({ runId: run.id });
    expect(listed.map((s) => s.id)).toContain(made.id);
    expect(JSON.stringify(listed)).not.toContain(made.token);
    await callerFor(operator).reports.shares.revoke({ id: made.id });
    expect((await viewShare(getDb(), made.token)).state).toBe("revoked");
    expect((await download(made.token, String(csv?.id))).status).toBe(404);

    const viewer = await makeUser("viewer");
    await expect(callerFor(viewer).reports.shares.create({ runId: run.id })).rejects.toThrow(/may not/);
    await expect(callerFor(null).reports.shares.create({ runId: run.id })).rejects.toThrow();
    await revokeShare(getDb(), ADMIN, old.id);
  });
});
