/**
 * A job created through the REST APIs without a time zone gets the zone of the token's user
 * (their display zone), else the instance's default — not the server's (issue 10).
 */
import { afterEach, describe, expect, it } from "vitest";
import { handleCompat } from "../../server/api/compat/handle";
import { handleV1 } from "../../server/api/v1/handle";
import { setUserTimeZone } from "../../server/auth/users";
import { getDb } from "../../server/db/client";
import { getJob } from "../../server/jobs/jobs";
import { resetEnvCache } from "../../server/lib/env";
import { tokenFor } from "../api/helpers";

afterEach(() => {
  delete process.env.KAIROS_TIME_ZONE;
  resetEnvCache();
});

const name = () => `zone-${Math.random().toString(36).slice(2, 8)}`;

async function v1Create(token: string, body: Record<string, unknown> = {}) {
  const res = await handleV1(
    new Request("http://localhost/api/v1/jobs", {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({
        name: name(),
        cron: "0 9 * * *",
        mode: "http",
        params: { url: "https://example.com/" },
        ...body,
      }),
    }),
    "/jobs",
  );
  expect(res.status).toBe(201);
  return (await res.json()) as { id: number; timezone: string };
}

async function compatCreate(token: string) {
  const res = await handleCompat(
    new Request("http://localhost/api/compat/jobs/add", {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({
        name: name(),
        cron_expr: "0 9 * * *",
        mode: "http",
        command: "【url】https://example.com/",
      }),
    }),
    "/jobs/add",
  );
  const body = (await res.json()) as { code: number; data: { id: number; timezone: string } };
  expect(body.code).toBe(200);
  return body.data;
}

describe("the zone of a job created without one", () => {
  it("is the token user's display zone, through /api/v1 and the TimerJobs API", async () => {
    // A zone unlike the server's (UTC here) and the instance default.
    process.env.KAIROS_TIME_ZONE = "America/New_York";
    resetEnvCache();
    const { token, user } = await tokenFor("admin", "personal");
    await setUserTimeZone(getDb(), user.id, "Asia/Shanghai");
    const a = await v1Create(token);
    expect(a.timezone).toBe("Asia/Shanghai");
    expect((await getJob(getDb(), a.id)).timezone).toBe("Asia/Shanghai");
    expect((await compatCreate(token)).timezone).toBe("Asia/Shanghai");
    // A zone given, or an empty one, is not overridden / is filled.
    expect((await v1Create(token, { timezone: "Europe/Berlin" })).timezone).toBe("Europe/Berlin");
    expect((await v1Create(token, { timezone: "" })).timezone).toBe("Asia/Shanghai");
  });

  it("is the instance default for a user without a zone and for a service token", async () => {
    process.env.KAIROS_TIME_ZONE = "America/New_York";
    resetEnvCache();
    const personal = await tokenFor("admin", "personal");
    expect((await v1Create(personal.token)).timezone).toBe("America/New_York");
    const service = await tokenFor("admin", "service");
    await setUserTimeZone(getDb(), service.user.id, "Asia/Shanghai");
    expect((await v1Create(service.token)).timezone).toBe("America/New_York");
    expect((await compatCreate(service.token)).timezone).toBe("America/New_York");
  });
});
