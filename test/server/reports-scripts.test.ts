/**
 * Issue 11, stage 2: script versions. Uploading is admin-only (code execution), through tRPC's
 * domain call and POST /api/v1/scripts (JSON or multipart); binary, non-UTF-8, empty and
 * oversized files are refused with a field error; re-uploading changed text makes version 2.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handleV1 } from "../../server/api/v1/handle";
import { getDb } from "../../server/db/client";
import { reportFiles } from "../../server/db/schema";
import { resetEnvCache } from "../../server/lib/env";
import { archiveRunFiles, listReportFiles, openReportFile, runReportDir } from "../../server/reports/archive";
import {
  listScripts,
  listScriptVersions,
  SCRIPT_MAX_BYTES,
  uploadScript,
} from "../../server/reports/scripts";
import { zipFiles } from "../../server/reports/zip";
import { createRuns } from "../../server/runs/create";
import { tokenFor } from "../api/helpers";
import { ADMIN, makeJob, runsOf } from "../helpers/jobs";

let dataDir: string;
beforeAll(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), "kairos-scripts-"));
  chmodSync(dataDir, 0o755);
  process.env.KAIROS_DATA_DIR = dataDir;
  resetEnvCache();
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const OPERATOR = { id: null, name: "op", role: "operator" as const };

function v1(token: string, init: { body: BodyInit; type?: string }) {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (init.type) headers["content-type"] = init.type;
  return handleV1(
    new Request("http://localhost/api/v1/scripts", { method: "POST", headers, body: init.body }),
    "/scripts",
  );
}

describe("script versions", () => {
  it("keeps each upload as the next version of its name; the same text again is not a copy", async () => {
    const a = await uploadScript(getDb(), ADMIN, { name: "daily.py", content: "print('v1')\n" });
    const b = await uploadScript(getDb(), ADMIN, { name: "daily.py", content: "print('v2')\n" });
    const c = await uploadScript(getDb(), ADMIN, { name: "daily.py", content: "print('v2')\n" });
    expect([a.version, b.version, c.version]).toEqual([1, 2, 2]);
    expect([a.created, b.created, c.created]).toEqual([true, true, false]);
    expect(a.interpreter).toBe("python");
    expect(a.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect((await listScriptVersions(getDb(), "daily.py")).map((v) => v.version)).toEqual([2, 1]);
    const list = await listScripts(getDb(), { q: "daily" });
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({ name: "daily.py", version: 2, versions: 2 });
  });

  it("refuses operators, binaries, non-UTF-8, empty and oversized scripts, and unknown extensions", async () => {
    const up = (content: string | Uint8Array, name = "x.py", actor = ADMIN) =>
      uploadScript(getDb(), actor, { name, content });
    await expect(up("echo hi", "x.sh", OPERATOR as never)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(up(new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0, 1]))).rejects.toMatchObject({
      field: "file",
      message: expect.stringMatching(/NUL/),
    });
    await expect(up(new Uint8Array([0xff, 0xfe, 0x41]))).rejects.toMatchObject({
      field: "file",
      message: expect.stringMatching(/UTF-8/),
    });
    await expect(up("   \n")).rejects.toMatchObject({
      field: "text",
      message: expect.stringMatching(/empty/),
    });
    await expect(up("#".repeat(SCRIPT_MAX_BYTES + 1))).rejects.toMatchObject({
      field: "text",
      message: expect.stringMatching(/at most/),
    });
    await expect(up("print(1)", "report.exe")).rejects.toMatchObject({ field: "interpreter" });
    await expect(up("print(1)", "../evil.py")).rejects.toThrow(/without folders/);
  });

  it("uploads through /api/v1 as JSON and as multipart, admins only", async () => {
    const admin = await tokenFor("admin");
    const json = await v1(admin.token, {
      type: "application/json",
      body: JSON.stringify({ name: "api.sh", text: "echo api\n" }),
    });
    expect(json.status).toBe(201);
    expect(await json.json()).toMatchObject({ name: "api.sh", version: 1, interpreter: "sh" });

    const form = new FormData();
    form.set("file", new Blob(["console.log('multipart')\n"]), "report.mjs");
    const multi = await v1(admin.token, { body: form });
    expect(multi.status).toBe(201);
    expect(await multi.json()).toMatchObject({
      name: "report.mjs",
      version: 1,
      interpreter: "node",
      size: 25,
    });

    const binary = new FormData();
    binary.set("file", new Blob([new Uint8Array([0x50, 0x4b, 3, 4, 0, 0])]), "report.py");
    const refused = await v1(admin.token, { body: binary });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({
      error: { fields: { file: [expect.stringMatching(/NUL/)] } },
    });

    const operator = await tokenFor("operator");
    const denied = await v1(operator.token, {
      type: "application/json",
      body: JSON.stringify({ name: "op.sh", text: "echo op\n" }),
    });
    expect(denied.status).toBe(403);
  });
});

describe("the report archive", () => {
  it("archives regular files only, never a link out of the folder, and lists them by job", async () => {
    const v = await uploadScript(getDb(), ADMIN, { name: "arch.sh", content: "true\n" });
    const job = await makeJob({ mode: "script", params: { scriptId: v.id } });
    await createRuns(getDb(), [
      {
        jobId: job.id,
        policy: "parallel",
        trigger: "manual",
        scheduledAt: new Date(),
        runAt: new Date(Date.now() + 3600_000),
      },
    ]);
    const [run] = await runsOf(job.id);
    const dir = runReportDir(job.id, run?.id ?? 0);
    mkdirSync(path.join(dir, "detail"), { recursive: true });
    writeFileSync(path.join(dir, "a.csv"), "x,y\n1,2\n");
    writeFileSync(path.join(dir, "detail", "b.txt"), "b");
    symlinkSync("/etc/passwd", path.join(dir, "passwd.csv"));
    const { files, skipped } = await archiveRunFiles(getDb(), {
      runId: run?.id ?? 0,
      jobId: job.id,
      dir,
      runAs: null,
    });
    expect(files.map((f) => f.name).sort()).toEqual(["a.csv", "detail/b.txt"]);
    expect(skipped).toEqual(["passwd.csv"]);
    const listed = await listReportFiles(getDb(), { q: job.name });
    expect(listed.total).toBe(2);
    expect(listed.items[0]?.jobName).toBe(job.name);

    // A file swapped for a link after archiving is not served.
    const a = files.find((f) => f.name === "a.csv");
    const opened = await openReportFile(getDb(), a?.id ?? 0);
    expect((await opened.handle.readFile()).toString()).toBe("x,y\n1,2\n");
    await opened.handle.close();
    rmSync(path.join(dir, "a.csv"));
    symlinkSync("/etc/passwd", path.join(dir, "a.csv"));
    await expect(openReportFile(getDb(), a?.id ?? 0)).rejects.toThrow(/not in its run's folder/);
    // A row pointing outside the data folder (tampered) is refused too.
    const [evil] = await getDb()
      .insert(reportFiles)
      .values({
        runId: run?.id ?? 0,
        jobId: job.id,
        name: "x",
        size: 1,
        contentType: "text/plain",
        sha256: "0",
        path: "../../etc/passwd",
      })
      .returning();
    await expect(openReportFile(getDb(), evil?.id ?? 0)).rejects.toThrow(/not in its run's folder|no longer/);
  });
});

describe("zipped attachments", () => {
  it("writes a zip that Python's zipfile reads back, names in UTF-8, bytes unchanged", () => {
    const gbk = Buffer.from([0xb5, 0xd8, 0xc7, 0xf8, 0x2c, 0x31, 0x0a]);
    const big = Buffer.from("a,b\n".repeat(10_000));
    const file = path.join(dataDir, "r.zip");
    writeFileSync(
      file,
      zipFiles([
        { name: "地区.csv", data: gbk },
        { name: "detail/big.csv", data: big },
      ]),
    );
    expect(
      execFileSync("/usr/bin/python3", [
        "-c",
        "import zipfile,sys,hashlib\nz=zipfile.ZipFile(sys.argv[1])\nassert z.testzip() is None\nfor i in z.infolist(): print(i.filename, i.file_size, hashlib.sha256(z.read(i)).hexdigest()[:12], i.compress_type)",
        file,
      ]).toString(),
    ).toBe(
      `地区.csv 7 ${createHash("sha256").update(gbk).digest("hex").slice(0, 12)} 0\ndetail/big.csv ${big.length} ${createHash("sha256").update(big).digest("hex").slice(0, 12)} 8\n`,
    );
  });
});
