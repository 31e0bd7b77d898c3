/**
 * Issue 7, Critical 1 and 2 (the model): jobs that execute code or touch the host — command
 * mode, the File / Backup / Cleanup / Database built-ins and any user function — are admin-only
 * to create, change, delete or point a job at, through every entry point (tRPC, the TimerJobs
 * API, /api/v1, which the CLI and its import use). Operators still run and stop existing ones.
 */
import { describe, expect, it } from "vitest";
import { handleCompat } from "../../server/api/compat/handle";
import { handleV1 } from "../../server/api/v1/handle";
import { can } from "../../server/auth/permissions";
import { isHostJob } from "../../server/jobs/host-access";
import { tokenFor } from "../api/helpers";
import { jobRow, makeJob } from "../helpers/jobs";
import { callerFor, httpCall, makeUser } from "../helpers/users";

const HOST_FUNCS = [
  "【name】File\n【arg】read,/etc/shadow",
  "【name】file\n【arg】write,functions/pwn.mjs,export const x = 1",
  "【name】Backup\n【arg】/var/lib/postgresql,/tmp/x",
  "【name】Cleanup\n【arg】/var/lib/postgresql,0",
  "【name】Database\n【arg】query,SELECT value FROM settings",
  "【name】myUserFunction",
];

async function compat(token: string, path: string, body: unknown) {
  const res = await handleCompat(
    new Request(`http://localhost${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    }),
    path,
  );
  return (await res.json()) as { code: number; msg: string };
}

async function v1(token: string, method: string, path: string, body?: unknown) {
  const res = await handleV1(
    new Request(`http://localhost/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
    path,
  );
  return {
    status: res.status,
    body: (await res.json().catch(() => null)) as { error?: { message: string } },
  };
}

describe("host jobs are admin-only to define", () => {
  it("has one permission for it, held by admins only", () => {
    expect(can("admin", "jobs.host")).toBe(true);
    expect(can("operator", "jobs.host")).toBe(false);
    expect(can("viewer", "jobs.host")).toBe(false);
    expect(isHostJob("func", { name: "Hello" })).toBe(false);
    expect(isHostJob("func", { name: " webhook " })).toBe(false);
    expect(isHostJob("func", { name: "FILE" })).toBe(true);
    expect(isHostJob("func", { name: "somethingElse" })).toBe(true);
    expect(isHostJob("command", { command: "id" })).toBe(true);
    expect(isHostJob("http", { url: "http://x.test" })).toBe(false);
  });

  it("refuses an operator's host func job over tRPC (create), and lets an admin make it", async () => {
    const op = await makeUser("operator");
    for (const command of HOST_FUNCS) {
      const res = await httpCall(op, "jobs.create", {
        name: `x ${command}`,
        cron: "* * * * *",
        mode: "func",
        command,
      });
      expect(res.status, command).toBe(403);
      expect(res.error?.message, command).toMatch(/only admins/);
    }
    const admin = callerFor(await makeUser("admin"));
    const made = await admin.jobs.create({
      name: "admin file",
      cron: "* * * * *",
      mode: "func",
      command: HOST_FUNCS[0],
    });
    expect(made.params).toMatchObject({ name: "File" });
    // Harmless built-ins stay open to operators.
    const ok = await callerFor(op).jobs.create({
      name: "hello",
      cron: "* * * * *",
      mode: "func",
      command: "【name】Hello",
    });
    expect(ok.ownerId).toBe(op.id);
  });

  it("refuses an operator pointing an existing job at a host function, or changing / deleting a host job", async () => {
    const op = callerFor(await makeUser("operator"));
    const mine = await op.jobs.create({
      name: "harmless",
      cron: "* * * * *",
      mode: "func",
      command: "【name】Echo",
    });
    const base = { name: mine.name, cron: "* * * * *", mode: "func" as const };
    await expect(
      op.jobs.update({ id: mine.id, job: { ...base, command: "【name】File\n【arg】read,/etc/shadow" } }),
    ).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    expect((await jobRow(mine.id))?.params).toMatchObject({ name: "Echo" });

    const host = await makeJob({ mode: "func", command: "【name】Database\n【arg】query,SELECT 1" });
    await expect(
      op.jobs.update({
        id: host.id,
        job: { name: host.name, cron: "* * * * *", mode: "func", command: "【name】Hello" },
      }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(op.jobs.delete({ id: host.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
    // Cloning makes a new host job: refused too.
    await expect(op.jobs.clone({ id: host.id })).rejects.toMatchObject({ code: "FORBIDDEN" });

    // Operators may still run, stop and restart it.
    const run = await op.jobs.runNow({ id: host.id });
    expect(run.id).toBeGreaterThan(0);
    expect((await op.jobs.stop({ id: host.id })).state).toBe("stopped");
    expect((await op.jobs.restart({ id: host.id })).state).toBe("waiting");
  });

  it("refuses it on the TimerJobs API (/jobs/add, /jobs/edit) for an operator token", async () => {
    const { token } = await tokenFor("operator");
    for (const command of HOST_FUNCS) {
      const r = await compat(token, "/jobs/add", {
        name: `c ${command}`,
        cron_expr: "* * * * *",
        mode: "func",
        command,
      });
      expect(r.code, command).toBe(403);
    }
    const added = await compat(token, "/jobs/add", {
      name: "c ok",
      cron_expr: "* * * * *",
      mode: "func",
      command: "Hello",
    });
    expect(added.code).toBe(200);
    const mine = await compat(token, "/jobs/add", {
      name: "c ok 2",
      cron_expr: "* * * * *",
      mode: "func",
      command: "Echo a",
    });
    const id = (mine as unknown as { data: { id: number } }).data.id;
    const edit = await compat(token, "/jobs/edit", { id, command: "File read,/etc/shadow" });
    expect(edit.code).toBe(403);
    expect((await jobRow(id))?.params).toMatchObject({ name: "Echo" });
  });

  it("refuses it on /api/v1 (what `kairos jobs add` and `kairos import` call) for an operator token", async () => {
    const { token } = await tokenFor("operator", "personal");
    for (const command of HOST_FUNCS) {
      const r = await v1(token, "POST", "/jobs", {
        name: `v ${command}`,
        cron: "* * * * *",
        mode: "func",
        command,
      });
      expect(r.status, command).toBe(403);
    }
    const structured = await v1(token, "POST", "/jobs", {
      name: "v structured",
      cron: "* * * * *",
      mode: "func",
      params: { name: "Cleanup", args: ["/", "0"] },
    });
    expect(structured.status).toBe(403);
    const host = await makeJob({ mode: "func", command: "【name】Backup\n【arg】a,b" });
    const put = await v1(token, "PUT", `/jobs/${host.id}`, {
      name: host.name,
      cron: "* * * * *",
      mode: "func",
      command: "【name】Hello",
    });
    expect(put.status).toBe(403);
    expect((await v1(token, "DELETE", `/jobs/${host.id}`)).status).toBe(403);
    expect((await v1(token, "POST", `/jobs/${host.id}/clone`)).status).toBe(403);
    expect((await v1(token, "POST", `/jobs/${host.id}/run`)).status).toBe(202);
  });
});
