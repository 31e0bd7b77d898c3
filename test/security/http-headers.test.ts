/**
 * Issue 7, Low: CR/LF in an http job's headers (or cookies) is refused when the job is saved,
 * naming the field — not discovered when the job runs.
 */
import { describe, expect, it } from "vitest";
import { getDb } from "../../server/db/client";
import { createJob } from "../../server/jobs/jobs";
import type { JobInput } from "../../server/jobs/schema";
import { ADMIN } from "../helpers/jobs";
import { httpCall, makeUser } from "../helpers/users";

const save = (input: Partial<JobInput>) =>
  createJob(getDb(), ADMIN, {
    name: `h ${Math.random().toString(36).slice(2, 7)}`,
    mode: "http",
    cron: "0 0 1 1 *",
    timezone: "UTC",
    ...input,
  } as JobInput).then(
    () => "saved",
    (e: { message?: string; issues?: { path: PropertyKey[]; message: string }[] }) =>
      e.issues ? e.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") : String(e.message),
  );

describe("http job headers", () => {
  it("refuses CR/LF in a header value or cookies, and bad header names, at save time", async () => {
    const base = { url: "http://a.test/", method: "GET" };
    expect(await save({ params: { ...base, headers: [["X-A", "1\r\nX-Injected: yes"]] } })).toContain(
      "line breaks",
    );
    expect(await save({ params: { ...base, headers: [["X-A", "1\nX-Injected: yes"]] } })).toContain(
      "line breaks",
    );
    expect(await save({ params: { ...base, headers: [["X A", "1"]] } })).toContain("not a valid header name");
    expect(await save({ params: { ...base, headers: [["X-A\r\nX-B", "1"]] } })).toContain(
      "not a valid header name",
    );
    expect(await save({ params: { ...base, cookies: "a=1\r\nX-Injected: yes" } })).toContain("line breaks");
    expect(await save({ params: { ...base, headers: [["X-Fine", "ok: with colon"]] } })).toBe("saved");
  });

  it("refuses them from the 【key】value text too, and over tRPC as a field error", async () => {
    expect(await save({ command: "【url】http://a.test/\n【headers】X-A:1\rX-Injected: yes" })).toContain(
      "line breaks",
    );
    const admin = await makeUser("admin");
    const r = await httpCall(admin, "jobs.create", {
      name: "crlf",
      mode: "http",
      cron: "0 0 1 1 *",
      timezone: "UTC",
      params: { url: "http://a.test/", headers: [["X-A", "1\r\nX-B: 2"]] },
    });
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.error?.data.fieldErrors)).toContain("line breaks");
  });
});
