/**
 * Issue 12: webhook channels. A site's alarms and a job's failure reach a real HTTP server on
 * 127.0.0.1 through each kind — generic JSON, WeCom, DingTalk and Feishu robots — with the
 * payload each robot expects and its signature recomputed here from the secret; the call is made
 * by the worker's task (queued inside the state change) and retried when the peer refuses.
 */
import { createHmac } from "node:crypto";
import http from "node:http";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createWebhook, setSubjectWebhooks } from "../../server/alerts/webhooks";
import { getDb } from "../../server/db/client";
import { deleteJob } from "../../server/jobs/jobs";
import { resetEnvCache } from "../../server/lib/env";
import { noteFailure } from "../../server/notify/state";
import { ingestBytes } from "../../server/sites/ingest";
import { createSite, deleteSite } from "../../server/sites/sites";
import { type KairosWorker, startWorker } from "../../worker/index";
import { ADMIN, makeJob } from "../helpers/jobs";
import { callerFor, makeUser } from "../helpers/users";
import { waitFor } from "../helpers/wait";

type Hit = { path: string; query: URLSearchParams; headers: http.IncomingHttpHeaders; body: string };
const hits: Hit[] = [];
let refuseFlaky = 1;
let peer: http.Server;
let base = "";
let worker: KairosWorker;

beforeAll(async () => {
  peer = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://x");
      hits.push({
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      });
      res.setHeader("content-type", "application/json");
      if (url.pathname === "/flaky" && refuseFlaky-- > 0) {
        // A robot refusing with HTTP 200 and an error code, as DingTalk does when throttled.
        res.end(JSON.stringify({ errcode: 130101, errmsg: "send too fast" }));
        return;
      }
      if (url.pathname.startsWith("/feishu")) res.end(JSON.stringify({ code: 0, msg: "success" }));
      else res.end(JSON.stringify({ errcode: 0, errmsg: "ok" }));
    });
  });
  await new Promise<void>((r) => peer.listen(0, "127.0.0.1", () => r()));
  base = `http://127.0.0.1:${(peer.address() as { port: number }).port}`;
  Object.assign(process.env, { PUBLIC_URL: "http://kairos.test", SITE_ALARM_GROUP_WAIT_SECONDS: "0" });
  resetEnvCache();
  worker = await startWorker({ databaseUrl: process.env.DATABASE_URL as string, concurrency: 4 });
});
afterAll(async () => {
  await worker?.stop();
  await new Promise((r) => peer.close(r));
});

const hitsAt = (path: string) => hits.filter((h) => h.path === path);

it("sends a site's alarms to JSON, WeCom, DingTalk and Feishu webhooks, signed as each documents", async () => {
  const db = getDb();
  const json = await createWebhook(db, ADMIN, {
    name: "ops json",
    kind: "json",
    url: `${base}/json`,
    secret: "js-secret",
    locale: "en",
  });
  const wecom = await createWebhook(db, ADMIN, {
    name: "wecom",
    kind: "wecom",
    url: `${base}/wecom?key=abc`,
  });
  const ding = await createWebhook(db, ADMIN, {
    name: "ding",
    kind: "dingtalk",
    url: `${base}/dingtalk?access_token=tok`,
    secret: "SEC-ding",
  });
  const feishu = await createWebhook(db, ADMIN, {
    name: "feishu",
    kind: "feishu",
    url: `${base}/feishu/hook`,
    secret: "fs-secret",
  });
  expect(JSON.stringify(json)).not.toContain("js-secret");
  const site = await createSite(db, ADMIN, { code: "WH", name: "Wuhan", timezone: "Asia/Shanghai" });
  await setSubjectWebhooks(db, ADMIN, { kind: "site", id: site.id }, [json.id, wecom.id, ding.id, feishu.id]);

  const line = "WH|Link down|gw1|uplink lost|2025-03-02 08:00:00||2025-03-02 08:00:00";
  await ingestBytes(db, site, "alarm", "system_alarm_20250302.txt", Buffer.from(`${line}\n`));
  await waitFor("four webhook calls", () =>
    ["/json", "/wecom", "/dingtalk", "/feishu/hook"].every((p) => hitsAt(p).length),
  );

  const j = hitsAt("/json")[0] as Hit;
  const ts = j.headers["x-kairos-timestamp"] as string;
  expect(j.headers["x-kairos-signature"]).toBe(
    `sha256=${createHmac("sha256", "js-secret").update(`${ts}.${j.body}`).digest("hex")}`,
  );
  const jb = JSON.parse(j.body);
  expect(jb).toMatchObject({
    source: "kairos",
    kind: "failing",
    subject: { kind: "site", id: site.id, name: "Wuhan (WH)" },
    title: "Wuhan (WH): 1 alarm not resumed",
  });
  expect(jb.lines[0]).toContain("Link down · gw1");

  const w = JSON.parse((hitsAt("/wecom")[0] as Hit).body);
  expect(w.msgtype).toBe("markdown");
  // The webhook's own language (Chinese unless chosen otherwise).
  expect(w.markdown.content).toContain("Wuhan (WH)");
  expect(w.markdown.content).toContain("Link down · gw1");
  expect((hitsAt("/wecom")[0] as Hit).query.get("key")).toBe("abc");

  const d = hitsAt("/dingtalk")[0] as Hit;
  const dts = d.query.get("timestamp") as string;
  expect(Math.abs(Number(dts) - Date.now())).toBeLessThan(3_600_000);
  expect(d.query.get("access_token")).toBe("tok");
  expect(d.query.get("sign")).toBe(
    createHmac("sha256", "SEC-ding").update(`${dts}\nSEC-ding`).digest("base64"),
  );
  expect(JSON.parse(d.body)).toMatchObject({
    msgtype: "markdown",
    markdown: { title: expect.stringContaining("Wuhan") },
  });

  const f = JSON.parse((hitsAt("/feishu/hook")[0] as Hit).body);
  expect(f.msg_type).toBe("text");
  expect(f.sign).toBe(createHmac("sha256", `${f.timestamp}\nfs-secret`).update("").digest("base64"));
  expect(f.content.text).toContain("Link down");

  // Resumed: one recovery message per webhook.
  const resumed = "WH|Link down|gw1|uplink lost|2025-03-02 08:00:00|2025-03-02 08:10:00|2025-03-02 08:10:00";
  await ingestBytes(db, site, "alarm", "system_alarm_20250302.txt", Buffer.from(`${line}\n${resumed}\n`));
  await waitFor("the recovery at the JSON webhook", () => hitsAt("/json").length === 2);
  expect(JSON.parse((hitsAt("/json")[1] as Hit).body)).toMatchObject({
    kind: "recovered",
    title: "Wuhan (WH): every alarm resumed",
  });
}, 60_000);

it("serves a job's failures too, and retries a robot that refuses", async () => {
  const db = getDb();
  const flaky = await createWebhook(db, ADMIN, {
    name: "flaky",
    kind: "dingtalk",
    url: `${base}/flaky`,
    locale: "en",
  });
  const job = await makeJob({ mode: "http", command: `【url】${base}/nothing` });
  const admin = await makeUser("admin", "password123", { username: "wh-admin" });
  await callerFor(admin).alerting.setRoutes({ subject: { kind: "job", id: job.id }, webhookIds: [flaky.id] });
  expect(await callerFor(admin).alerting.routes({ kind: "job", id: job.id })).toEqual([flaky.id]);
  await noteFailure(db, { kind: "job", id: job.id }, { ref: null, error: "HTTP 500", refUrl: null });
  await waitFor("the retried call", () => hitsAt("/flaky").length >= 2, 30_000);
  const body = JSON.parse((hitsAt("/flaky")[1] as Hit).body);
  expect(body.markdown.title).toBe(`${job.name} is failing: HTTP 500`);
}, 60_000);

it("never shows a secret back and keeps webhooks to admins", async () => {
  const admin = await makeUser("admin", "password123", { username: "wh-admin2" });
  const operator = await makeUser("operator", "password123", { username: "wh-op" });
  const list = await callerFor(admin).alerting.webhooks({});
  expect(list.length).toBeGreaterThan(0);
  expect(JSON.stringify(list)).not.toMatch(/SEC-ding|fs-secret|js-secret/);
  expect(list.find((w) => w.name === "ding")?.hasSecret).toBe(true);
  // A robot's key lives in its URL: answers show the URL with it hidden.
  expect(JSON.stringify(list)).not.toMatch(/access_token=tok|key=abc/);
  expect(list.find((w) => w.name === "wecom")?.url).toBe(`${base}/wecom?key=•••`);
  await expect(callerFor(operator).alerting.webhooks({})).rejects.toThrow();
  await expect(
    callerFor(admin).alerting.createWebhook({ name: "x", kind: "json", url: "ftp://nope" }),
  ).rejects.toThrow(/url/i);
});

it("a deleted site or job takes its webhook routes along", async () => {
  const db = getDb();
  const hook = await createWebhook(db, ADMIN, { name: "gone-routes", kind: "json", url: `${base}/gone` });
  const site = await createSite(db, ADMIN, {
    code: "DL",
    name: "Deleted",
    timezone: "UTC",
    baseUrl: "http://127.0.0.1:9/dl",
  });
  const pullJobId = Number(site.pullJobId);
  const job = await makeJob({ mode: "http", command: `【url】${base}/nothing` });
  await setSubjectWebhooks(db, ADMIN, { kind: "site", id: site.id }, [hook.id]);
  await setSubjectWebhooks(db, ADMIN, { kind: "job", id: pullJobId }, [hook.id]);
  await setSubjectWebhooks(db, ADMIN, { kind: "job", id: job.id }, [hook.id]);
  const routes = async () =>
    (
      await db.execute<{ kind: string; id: string }>(
        sql`select subject_kind::text as kind, subject_id::text as id from webhook_routes
          where webhook_id = ${hook.id} order by 1, 2`,
      )
    ).map((r) => `${r.kind}:${r.id}`);
  expect(await routes()).toHaveLength(3);
  await deleteSite(db, ADMIN, site.id);
  expect(await routes()).toEqual([`job:${job.id}`]);
  await deleteJob(db, ADMIN, job.id);
  expect(await routes()).toEqual([]);
});
