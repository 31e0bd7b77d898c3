/**
 * Issue 7, Medium 9: secret values in job definitions (an http job's Authorization header,
 * cookies, proxy and URL passwords, command env values) were shown to viewers. Now everyone but
 * admins sees them masked in every view and API answer (tRPC, TimerJobs API, /api/v1), and an
 * edit that sends the mask back keeps the stored value.
 */
import { describe, expect, it } from "vitest";
import { handleCompat } from "../../server/api/compat/handle";
import { handleV1 } from "../../server/api/v1/handle";
import { maskParams, SECRET_MASK, unmaskParams } from "../../server/jobs/secret-fields";
import { tokenFor } from "../api/helpers";
import { jobRow, makeJob } from "../helpers/jobs";
import { callerFor, makeUser } from "../helpers/users";

const TOKEN = "Bearer sk-live-0123456789abcdef";
const SECRETS = [
  "sk-live-0123456789abcdef",
  "session=abc123secret",
  "proxy-pass-42",
  "url-pass-77",
  "env-secret-99",
];

async function httpJob() {
  return makeJob({
    mode: "http",
    params: {
      url: "https://bob:url-pass-77@api.example.com/x",
      method: "POST",
      headers: [
        ["Authorization", TOKEN],
        ["X-Trace", "visible"],
      ],
      cookies: "session=abc123secret",
      proxy: "http://me:proxy-pass-42@proxy.example.com:3128",
    },
  });
}

const leaks = (text: string) => SECRETS.filter((s) => text.includes(s));

async function get(handler: typeof handleV1, base: string, path: string, token: string) {
  const res = await handler(
    new Request(`http://localhost${base}${path}`, { headers: { authorization: `Bearer ${token}` } }),
    path,
  );
  return res.text();
}

describe("secret values in job definitions", () => {
  it("are masked for viewers and operators over tRPC (get, list), shown to admins", async () => {
    const job = await httpJob();
    const cmd = await makeJob({
      mode: "command",
      params: { command: "deploy", env: { API_TOKEN: "env-secret-99", PLAIN: "x" } },
    });
    for (const role of ["viewer", "operator"] as const) {
      const c = callerFor(await makeUser(role));
      const one = await c.jobs.get({ id: job.id });
      expect(leaks(JSON.stringify(one)), role).toEqual([]);
      expect(one.params).toMatchObject({
        headers: [
          ["Authorization", SECRET_MASK],
          ["X-Trace", "visible"],
        ],
        cookies: SECRET_MASK,
      });
      expect(one.commandText).toContain(`Authorization:${SECRET_MASK}`);
      const list = await c.jobs.list({});
      expect(leaks(JSON.stringify(list)), role).toEqual([]);
      const env = (await c.jobs.get({ id: cmd.id })).params as { env: Record<string, string> };
      expect(env.env).toEqual({ API_TOKEN: SECRET_MASK, PLAIN: SECRET_MASK });
    }
    const admin = callerFor(await makeUser("admin"));
    expect(JSON.stringify(await admin.jobs.get({ id: job.id }))).toContain("sk-live-0123456789abcdef");
  });

  it("are masked on the TimerJobs API and /api/v1 for a viewer token", async () => {
    await httpJob();
    const { token } = await tokenFor("viewer");
    const job = await httpJob();
    expect(leaks(await get(handleCompat, "", `/jobs/read?id=${job.id}`, token))).toEqual([]);
    expect(leaks(await get(handleCompat, "", "/jobs/list", token))).toEqual([]);
    expect(leaks(await get(handleCompat, "", "/jobs/scheduler", token))).toEqual([]);
    expect(leaks(await get(handleV1, "/api/v1", `/jobs/${job.id}`, token))).toEqual([]);
    expect(leaks(await get(handleV1, "/api/v1", "/jobs", token))).toEqual([]);
    const { token: admin } = await tokenFor("admin");
    expect(await get(handleV1, "/api/v1", `/jobs/${job.id}`, admin)).toContain("sk-live-0123456789abcdef");
  });

  it("masks script jobs' env values too", () => {
    const stored = { scriptId: 1, args: [], env: { DB_PASSWORD: "env-secret-99" } };
    const seen = maskParams("script", stored) as typeof stored;
    expect(seen.env).toEqual({ DB_PASSWORD: SECRET_MASK });
    expect(unmaskParams("script", seen, stored)).toEqual(stored);
  });

  it("keeps the stored value when an edit sends the mask back, and refuses a mask with nothing behind it", async () => {
    const job = await httpJob();
    const op = callerFor(await makeUser("operator"));
    const seen = await op.jobs.get({ id: job.id });
    await op.jobs.update({
      id: job.id,
      job: { name: seen.name, cron: seen.cron, mode: "http", command: `${seen.commandText}\n【times】2` },
    });
    const row = await jobRow(job.id);
    expect(row?.params).toMatchObject({
      url: "https://bob:url-pass-77@api.example.com/x",
      headers: [
        ["Authorization", TOKEN],
        ["X-Trace", "visible"],
      ],
      cookies: "session=abc123secret",
      proxy: "http://me:proxy-pass-42@proxy.example.com:3128",
      times: 2,
    });
    await expect(
      op.jobs.create({
        name: "copied by hand",
        cron: "* * * * *",
        mode: "http",
        command: `【url】https://x.test\n【headers】Authorization:${SECRET_MASK}`,
      }),
    ).rejects.toMatchObject({ message: expect.stringMatching(/hidden/) });
  });
});
