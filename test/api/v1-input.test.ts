import { describe, expect, it } from "vitest";
import { handleV1 } from "../../server/api/v1/handle";
import { makeJob } from "../helpers/jobs";
import { tokenFor } from "./helpers";

// /api/v1 parses path, query and body once, in the dispatcher, with the schema each route
// declares (the one /api/openapi.json documents): these answers come from those schemas.

async function v1(token: string, method: string, path: string, body?: BodyInit, type = "application/json") {
  const res = await handleV1(
    new Request(`http://localhost/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": type },
      ...(body === undefined ? {} : { body }),
    }),
    path.split("?")[0] as string,
  );
  return {
    status: res.status,
    body: (res.status === 204 ? null : await res.json()) as {
      error?: { message: string; fields: Record<string, string[]> | null };
    } & Record<string, unknown>,
  };
}

describe("/api/v1 input", () => {
  it("parses the query with the route's schema (numbers coerced, defaults filled, bounds named)", async () => {
    const { token } = await tokenFor("admin");
    const job = await makeJob({ mode: "http", command: "【url】http://127.0.0.1:9/" });
    const run = await v1(token, "POST", `/jobs/${job.id}/run`);
    expect(run.status).toBe(202);
    const runId = Number(run.body.id);

    const log = await v1(token, "GET", `/runs/${runId}/log`);
    expect(log.status).toBe(200);
    expect(log.body).toMatchObject({ runId, nextSeq: -1, chunks: [] });
    const after = await v1(token, "GET", `/runs/${runId}/log?afterSeq=7&limit=5`);
    expect(after.body).toMatchObject({ nextSeq: 7 });
    const tooMany = await v1(token, "GET", `/runs/${runId}/log?limit=5001`);
    expect(tooMany.status).toBe(400);
    expect(Object.keys(tooMany.body.error?.fields ?? {})).toEqual(["limit"]);

    const page = await v1(token, "GET", "/jobs?page=1&size=1");
    expect(page.body).toMatchObject({ page: 1, size: 1 });
    const badPage = await v1(token, "GET", "/jobs?page=zero");
    expect(badPage.status).toBe(400);
    expect(badPage.body.error?.message).toMatch(/^page: /);
  });

  it("parses the body with the route's schema, and wants a JSON object", async () => {
    const { token } = await tokenFor("admin");
    const bad = await v1(token, "PUT", "/scheduler", JSON.stringify({ paused: "yes" }));
    expect(bad.status).toBe(400);
    expect(bad.body.error?.message).toBe("paused: must be true or false");
    const list = await v1(token, "PUT", "/scheduler", JSON.stringify([true]));
    expect(list.status).toBe(400);
    expect(list.body.error?.message).toBe("the body must be a JSON object");
    const ok = await v1(token, "PUT", "/scheduler", JSON.stringify({ paused: false }));
    expect(ok).toMatchObject({ status: 200, body: { paused: false } });
  });

  it("parses a multipart upload with its own schema: a text field is not a file", async () => {
    const { token } = await tokenFor("admin");
    const form = new FormData();
    form.set("file", "print(1)");
    form.set("name", "not-a-file.py");
    const req = new Request("http://localhost/api/v1/scripts", {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    const res = await handleV1(req, "/scripts");
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: { message: "file: send the script as a file", fields: { file: ["send the script as a file"] } },
    });
  });
});
