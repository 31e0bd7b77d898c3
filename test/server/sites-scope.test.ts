/**
 * Issue 12: a user sees only the sites assigned to them (admins all), through every tRPC
 * procedure and every /api/v1 endpoint; a site outside the scope answers "not found", exactly
 * as one that does not exist. And the push endpoint: the site's push token ingests into its
 * own site only, raw body or multipart upload, and pushing the same lines again adds nothing.
 */
import { TRPCError } from "@trpc/server";
import { and, desc, eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { openApiDocument } from "../../server/api/openapi";
import { handleV1 } from "../../server/api/v1/handle";
import type { PublicUser } from "../../server/auth/users";
import { getDb } from "../../server/db/client";
import { auditLog, jobs, servers } from "../../server/db/schema";
import { ingestBytes } from "../../server/sites/ingest";
import { createToken } from "../../server/tokens/tokens";
import { callerFor, makeUser } from "../helpers/users";

let admin: PublicUser;
let userA: PublicUser;
let userB: PublicUser;
let siteA: { id: number; code: string; timezone: string };
let siteB: { id: number; code: string; timezone: string };
let serverB: number;
let tokenA: string;
let pushA: string;
let pushB: string;

const INFO = (site: string) =>
  Buffer.from(
    [
      `db1|10.1.0.1|${site}|cpu|5|5|0|90|2025-03-02 09:00:00`,
      `db1|10.1.0.1|${site}|disk|/data|90|100|2025-03-02 09:00:00`,
      `db1|10.1.0.1|${site}|cpu|x|5|0|90|2025-03-02 09:01:00`,
    ].join("\n"),
  );

async function v1(method: string, path: string, token: string | null, body?: BodyInit, type?: string) {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (type) headers["content-type"] = type;
  const res = await handleV1(
    new Request(`http://localhost/api/v1${path}`, { method, headers, body }),
    path.split("?")[0] as string,
  );
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "OK";
  } catch (e) {
    return e instanceof TRPCError ? e.code : `non-trpc: ${String(e)}`;
  }
}

beforeAll(async () => {
  admin = await makeUser("admin");
  userA = await makeUser("operator");
  userB = await makeUser("viewer");
  const asAdmin = callerFor(admin);
  siteA = await asAdmin.sites.create({ code: "A", name: "Site A", timezone: "Asia/Shanghai" });
  siteB = await asAdmin.sites.create({
    code: "B",
    name: "Site B",
    timezone: "Asia/Shanghai",
    baseUrl: "http://127.0.0.1:9/site-b",
  });
  await asAdmin.sites.assign({ id: siteA.id, userIds: [userA.id] });
  await asAdmin.sites.assign({ id: siteB.id, userIds: [userB.id] });
  for (const s of [siteA, siteB])
    await ingestBytes(getDb(), s, "info", "system_info_20250302.txt", INFO(s.code));
  const [srv] = await getDb().select().from(servers).where(eq(servers.siteId, siteB.id));
  serverB = srv?.id as number;
  tokenA = (
    await createToken(
      getDb(),
      { id: userA.id, name: userA.username, role: userA.role },
      { name: "a-token", role: "operator", kind: "personal", userId: userA.id },
    )
  ).token;
  pushA = (await asAdmin.sites.rotateToken({ id: siteA.id })).token;
  pushB = (await asAdmin.sites.rotateToken({ id: siteB.id })).token;
});

describe("site scope", () => {
  it("creating a site with a base URL makes its pull job (site_pull, every 5 minutes, skip)", async () => {
    const site = await callerFor(admin).sites.get({ id: siteB.id });
    const [job] = await getDb()
      .select()
      .from(jobs)
      .where(eq(jobs.id, site.pullJobId as number));
    expect(job).toMatchObject({
      mode: "site_pull",
      cron: "*/5 * * * *",
      policy: "skip",
      params: { siteId: siteB.id },
    });
    expect((await callerFor(admin).sites.get({ id: siteA.id })).pullJobId).toBeNull();
  });

  it("lists only the caller's sites, with health figures; admins see all", async () => {
    const listA = await callerFor(userA).sites.list({});
    expect(listA.items.map((s) => s.code)).toEqual(["A"]);
    expect(listA.total).toBe(1);
    expect(listA.items[0]).toMatchObject({
      servers: 1,
      worstCpu: 10,
      worstDisk: 90,
      badLines: 1,
      openAlarms: 0,
    });
    expect((await callerFor(admin).sites.list({})).items.map((s) => s.code)).toEqual(["A", "B"]);
    const stranger = await makeUser("operator");
    expect((await callerFor(stranger).sites.list({})).items).toEqual([]);
  });

  it("a user of site A cannot read or act on site B by id through any procedure", async () => {
    const a = callerFor(userA);
    const now = Date.now();
    const tries: [string, () => Promise<unknown>][] = [
      ["get", () => a.sites.get({ id: siteB.id })],
      ["servers", () => a.sites.servers({ id: siteB.id })],
      ["files", () => a.sites.files({ id: siteB.id })],
      ["badLines", () => a.sites.badLines({ id: siteB.id })],
      ["server", () => a.sites.server({ id: serverB })],
      ["mounts", () => a.sites.mounts({ id: serverB })],
      ["nodes", () => a.sites.nodes({ id: serverB })],
      [
        "series",
        () =>
          a.sites.series({
            serverId: serverB,
            kind: "cpu",
            from: new Date(now - 86400_000),
            to: new Date(now),
          }),
      ],
      ["pullNow", () => a.sites.pullNow({ id: siteB.id })],
      ["assign", () => a.sites.assign({ id: siteB.id, userIds: [userA.id] })],
      ["rotateToken", () => a.sites.rotateToken({ id: siteB.id })],
      ["delete", () => a.sites.delete({ id: siteB.id })],
    ];
    for (const [name, p] of tries) expect(await codeOf(p()), name).toBe("NOT_FOUND");
    // The same procedures work on A.
    expect(await codeOf(a.sites.get({ id: siteA.id }))).toBe("OK");
    expect((await a.sites.badLines({ id: siteA.id })).items).toMatchObject([
      { file: "system_info_20250302.txt", lineNo: 3, reason: 'user_use: "x" is not a number' },
    ]);
    // Viewers read their sites but change nothing.
    expect(await codeOf(callerFor(userB).sites.pullNow({ id: siteB.id }))).toBe("FORBIDDEN");
  });

  it("nor through /api/v1 with the user's token", async () => {
    const list = await v1("GET", "/sites", tokenA);
    expect(list.status).toBe(200);
    expect((list.json.items as { code: string }[]).map((s) => s.code)).toEqual(["A"]);
    for (const path of [
      `/sites/${siteB.id}`,
      `/sites/${siteB.id}/servers`,
      `/sites/${siteB.id}/files`,
      `/sites/${siteB.id}/bad-lines`,
      `/servers/${serverB}/series?kind=cpu&from=2025-03-01T00:00:00Z&to=2025-03-03T00:00:00Z`,
    ]) {
      const r = await v1("GET", path, tokenA);
      expect(r.status, path).toBe(404);
    }
    expect((await v1("POST", `/sites/${siteB.id}/pull`, tokenA)).status).toBe(404);
    expect((await v1("POST", `/sites/${siteB.id}/token`, tokenA)).status).toBe(404);
    expect((await v1("DELETE", `/sites/${siteB.id}`, tokenA)).status).toBe(404);
    const users = JSON.stringify({ userIds: [userA.id] });
    expect((await v1("PUT", `/sites/${siteB.id}/users`, tokenA, users, "application/json")).status).toBe(404);
    expect((await v1("POST", "/sites/B/ingest", tokenA, INFO("B"), "text/plain")).status).toBe(404);
    expect((await v1("GET", `/sites/${siteA.id}/servers`, tokenA)).status).toBe(200);
    // A site the user creates is theirs.
    const made = await v1(
      "POST",
      "/sites",
      tokenA,
      JSON.stringify({ code: "C", name: "C", timezone: "UTC" }),
      "application/json",
    );
    expect(made.status).toBe(201);
    const after = await v1("GET", "/sites", tokenA);
    expect((after.json.items as { code: string }[]).map((s) => s.code)).toEqual(["A", "C"]);
    const bad = await v1(
      "POST",
      "/sites",
      tokenA,
      JSON.stringify({ code: "D", name: "D", timezone: "Mars/Base" }),
      "application/json",
    );
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatchObject({ fields: { timezone: ['unknown time zone "Mars/Base"'] } });
  });

  it("PATCH /api/v1/sites/{id} edits the caller's site like the form: given fields only, checked, audited", async () => {
    const json = "application/json";
    const patch = (id: number, body: unknown, token = tokenA) =>
      v1("PATCH", `/sites/${id}`, token, JSON.stringify(body), json);
    const ok = await patch(siteA.id, { name: "Site A (api)", alarmRemindSeconds: 600 });
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({
      id: siteA.id,
      code: "A",
      name: "Site A (api)",
      timezone: "Asia/Shanghai",
      alarmRemindSeconds: 600,
      alarmGroupWaitSeconds: null,
      users: [{ id: userA.id }],
    });
    expect(JSON.stringify(ok.json)).not.toContain("ingestToken");
    // Left out keeps; null sends a field back to its default.
    const again = await patch(siteA.id, { alarmRemindSeconds: null });
    expect(again.json).toMatchObject({ name: "Site A (api)", alarmRemindSeconds: null });
    const bad = await patch(siteA.id, { alarmGroupWaitSeconds: -1, pullCron: "61 * * * *" });
    expect(bad.status).toBe(400);
    expect(Object.keys((bad.json.error as { fields: object }).fields).sort()).toEqual([
      "alarmGroupWaitSeconds",
      "pullCron",
    ]);
    expect((await patch(siteB.id, { name: "hijack" })).status).toBe(404);
    expect((await callerFor(admin).sites.get({ id: siteB.id })).name).toBe("Site B");
    const [audited] = await getDb()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "site.update"), eq(auditLog.entityId, String(siteA.id))))
      .orderBy(desc(auditLog.id))
      .limit(1);
    expect(audited?.actorId).toBe(userA.id);
    const doc = openApiDocument({ prefix: "" });
    expect(doc.paths["/api/v1/sites/{id}"]?.patch).toMatchObject({
      operationId: "v1_patch_sites_id",
      tags: ["v1-sites"],
    });
  });
});

describe("push", () => {
  it("a site's push token ingests into its own site only", async () => {
    const wrong = await v1("POST", "/sites/B/ingest?kind=info", pushA, INFO("B"), "text/plain");
    expect(wrong.status).toBe(403);
    // A push token is no API token.
    expect((await v1("GET", "/sites", pushA)).status).toBe(401);
    const body = Buffer.from(
      "B|1|0|100|10|9|8|7|2025-03-02 09:00:00\r\nB|1|0|x|10|9|8|7|2025-03-02 09:05:00\r\n",
    );
    const first = await v1("POST", "/sites/B/ingest?kind=service", pushB, body, "text/plain");
    expect(first.status).toBe(200);
    expect(first.json.totals).toMatchObject({ lines: 2, bad: 1, counters: 1 });
    const again = await v1("POST", "/sites/B/ingest?kind=service", pushB, body, "text/plain");
    expect(again.json.totals).toMatchObject({ lines: 2, bad: 1, counters: 0 });
    const [n] = await getDb().execute<{ n: number }>(
      sql`select count(*)::int as n from service_counters where site_id = ${siteB.id}`,
    );
    expect(n?.n).toBe(1);
  });

  it("takes multipart uploads, the kind from each file's name, and says what is missing", async () => {
    const form = new FormData();
    form.append(
      "file",
      new Blob(["B|磁盘满|db1|/data 90%|2025-03-02 09:00:00||2025-03-02 09:00:00\n"]),
      "system_alarm_20250302.txt",
    );
    form.append("file2", new Blob([INFO("B")]), "system_info_20250302.txt");
    const req = new Request("http://localhost/api/v1/sites/B/ingest", {
      method: "POST",
      headers: { authorization: `Bearer ${pushB}` },
      body: form,
    });
    const res = await handleV1(req, "/sites/B/ingest");
    const json = (await res.json()) as {
      files: { name: string; kind: string; counts: Record<string, number> }[];
    };
    expect(res.status).toBe(200);
    expect(json.files.map((f) => [f.name, f.kind])).toEqual([
      ["system_alarm_20250302.txt", "alarm"],
      ["system_info_20250302.txt", "info"],
    ]);
    expect(json.files[0]?.counts.alarmsNew).toBe(1);
    // Already ingested (beforeAll): nothing new.
    expect(json.files[1]?.counts).toMatchObject({ samples: 0, bad: 1 });
    const site = await callerFor(userB).sites.get({ id: siteB.id });
    expect(site.openAlarms).toBe(1);
    // The alarm list keeps to the reader's sites, even when asked for another site by id.
    expect((await callerFor(userB).sites.alarms({})).items.map((a) => a.name)).toEqual(["磁盘满"]);
    expect((await callerFor(userA).sites.alarms({ state: "all" })).items).toEqual([]);
    expect((await callerFor(userA).sites.alarms({ siteId: siteB.id })).total).toBe(0);
    const viaApi = await v1("GET", `/alarms?state=all&siteId=${siteB.id}`, tokenA);
    expect(viaApi.status).toBe(200);
    expect(viaApi.json.items).toEqual([]);
    const unnamed = await v1("POST", "/sites/B/ingest", pushB, Buffer.from("x|y\n"), "text/plain");
    expect(unnamed.status).toBe(400);
    expect(unnamed.json.error).toMatchObject({
      message: expect.stringMatching(/^kind: say which file this is/),
    });
  });
});
