import { describe, expect, it } from "vitest";
import { formValuesOf } from "../../app/(app)/jobs/form-values";
import { handleCompat } from "../../server/api/compat/handle";
import { handleV1 } from "../../server/api/v1/handle";
import { getDb } from "../../server/db/client";
import { jobInputOf, type StoredJobInput } from "../../server/jobs/input";
import { getJob } from "../../server/jobs/jobs";
import { ZJobInput } from "../../server/jobs/schema";
import { tokenFor } from "../api/helpers";
import { makeJob } from "../helpers/jobs";
import { callerFor, makeUser } from "../helpers/users";

// A job created through the API with every field away from its default, then edited (one field
// at a time) through each client. Every other field must come back as it was.

const stored = async (id: number) => jobInputOf(await getJob(getDb(), id));

async function v1(token: string, method: string, path: string, body?: unknown) {
  const res = await handleV1(
    new Request(`http://localhost/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }),
    path,
  );
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function timerjobs(token: string, path: string, body: unknown) {
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

describe("editing a job keeps the fields the client did not send", () => {
  it("round-trips every field through the UI edit, the TimerJobs edit and /api/v1", async () => {
    const { token } = await tokenFor("admin");
    const ui = callerFor(await makeUser("admin"));
    const a = await makeJob({ mode: "http", command: "【url】http://127.0.0.1:9/a" });
    const b = await makeJob({ mode: "http", command: "【url】http://127.0.0.1:9/b" });

    const full: StoredJobInput = {
      name: "every field",
      description: "made through the API",
      cron: "0 */7 * * * *",
      timezone: "Asia/Shanghai",
      mode: "http",
      params: {
        url: "http://127.0.0.1:9/full",
        method: "POST",
        headers: [["X-Test", "1"]],
        data: "{}",
        result: "ok",
        times: 2,
      },
      state: "stopped",
      policy: "serial",
      runOnSave: false,
      maxRunCount: 9,
      timeoutSeconds: 33,
      retries: 2,
      retryBackoffSeconds: 17,
      misfirePolicy: "catch_up",
      catchUpLimit: 4,
      onSuccessStart: [a.id],
      onFailureStart: [b.id],
      notifyEmails: ["ops@example.com"],
      alertRemindSeconds: 3600,
      mailLanguage: "zh-CN",
      tags: ["nightly", "db"],
      retentionDays: 7,
      retentionCount: 50,
    };
    // The test covers every field: each one differs from what an input without it would get
    // (runOnSave is not stored as a setting a person chose: an edit must not re-run the job).
    const defaults = ZJobInput.parse({ name: "x", cron: "* * * * *", mode: "http", params: full.params });
    for (const key of Object.keys(full) as (keyof StoredJobInput)[]) {
      if (["name", "cron", "mode", "params", "runOnSave"].includes(key)) continue;
      expect(full[key], `${key} is set away from its default`).not.toEqual(
        defaults[key as keyof typeof defaults],
      );
    }
    expect(Object.keys(full).sort()).toEqual(Object.keys(jobInputOf(await getJob(getDb(), a.id))).sort());

    const created = await v1(token, "POST", "/jobs", full);
    expect(created.status).toBe(201);
    const id = Number(created.body.id);
    const original = await stored(id);
    expect(original).toMatchObject({ ...full, params: expect.objectContaining(full.params) });

    // The UI: the edit page's values, one field changed, saved as the form saves them.
    const values = formValuesOf(jobInputOf(await getJob(getDb(), id)));
    await ui.jobs.update({ id, job: { ...values, description: "edited in the UI", params: values.params } });
    expect(await stored(id)).toEqual({ ...original, description: "edited in the UI" });

    // TimerJobs /jobs/edit with one field.
    expect(await timerjobs(token, "/jobs/edit", { id, desc: "edited by TimerJobs" })).toMatchObject({
      code: 200,
    });
    expect(await stored(id)).toEqual({ ...original, description: "edited by TimerJobs" });

    // /api/v1: PATCH one field; PUT back what GET answered.
    expect((await v1(token, "PATCH", `/jobs/${id}`, { description: "patched" })).status).toBe(200);
    expect(await stored(id)).toEqual({ ...original, description: "patched" });
    const got = await v1(token, "GET", `/jobs/${id}`);
    expect((await v1(token, "PUT", `/jobs/${id}`, { ...got.body, description: "put" })).status).toBe(200);
    expect(await stored(id)).toEqual({ ...original, description: "put" });
  });

  it("PATCH names the field it refuses and changes nothing", async () => {
    const { token } = await tokenFor("admin");
    const job = await makeJob({ mode: "http", command: "【url】http://127.0.0.1:9/", retentionDays: 3 });
    const before = await stored(job.id);
    const bad = await v1(token, "PATCH", `/jobs/${job.id}`, { retentionDays: 0 });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { fields: { retentionDays: [expect.any(String)] } } });
    expect((await v1(token, "PATCH", `/jobs/${job.id}`, [1])).status).toBe(400);
    expect(await stored(job.id)).toEqual(before);
    // A new mode re-reads the stored text in that mode, as TimerJobs /jobs/edit does.
    const moved = await v1(token, "PATCH", `/jobs/${job.id}`, { mode: "command" });
    expect(moved.status).toBe(400);
    expect(JSON.stringify(moved.body)).toMatch(/command/);
  });
});
