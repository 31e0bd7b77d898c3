/**
 * GET /metrics through its route handler: token checks, then the scraped text read by a strict
 * exposition-format parser, before and after real runs on a real worker.
 */
import { readFileSync } from "node:fs";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET } from "../../app/metrics/route";
import { handleV1 } from "../../server/api/v1/handle";
import { getDb } from "../../server/db/client";
import { jobs } from "../../server/db/schema";
import { runJobNow } from "../../server/jobs/jobs";
import { LATENESS_BUCKETS } from "../../server/metrics/metrics";
import { fireDueJobs } from "../../server/schedule/fire";
import { createToken } from "../../server/tokens/tokens";
import { type KairosWorker, startWorker } from "../../worker/index";
import { ADMIN, makeJob, waitForFinishedRuns } from "../helpers/jobs";
import { waitFor } from "../helpers/wait";

type Sample = { name: string; labels: Record<string, string>; value: number };
type Family = { type: string; help: string; samples: Sample[] };

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const SUFFIXES: Record<string, string[]> = {
  counter: ["_total", ""],
  gauge: [""],
  histogram: ["_bucket", "_sum", "_count"],
  summary: ["", "_sum", "_count"],
};

/**
 * The Prometheus text format (0.0.4), strictly: every sample follows the HELP and TYPE of its
 * family, names and labels are well formed, values are numbers, nothing is repeated.
 */
function parseExposition(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const seen = new Set<string>();
  let current: { name: string; family: Family } | null = null;
  expect(text.endsWith("\n"), "the text ends with a newline").toBe(true);
  for (const [i, line] of text.split("\n").entries()) {
    const where = `line ${i + 1}: ${line}`;
    if (line === "") continue;
    const help = /^# HELP (\S+) (.*)$/.exec(line);
    const type = /^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (help) {
      const [, name = "", doc = ""] = help;
      expect(name, where).toMatch(NAME);
      expect(families.has(name), `${where}: family declared twice`).toBe(false);
      current = { name, family: { type: "", help: doc, samples: [] } };
      families.set(name, current.family);
      continue;
    }
    if (type) {
      expect(type[1], `${where}: TYPE follows its HELP`).toBe(current?.name);
      if (current) current.family.type = type[2] ?? "";
      continue;
    }
    expect(line.startsWith("#"), `${where}: unknown comment`).toBe(false);
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/.exec(line);
    expect(m, `${where}: not a sample`).not.toBeNull();
    const [, name = "", , rawLabels = "", rawValue = ""] = m ?? [];
    expect(current, `${where}: sample before any TYPE`).not.toBeNull();
    if (!current) continue;
    const suffix = name.slice(current.name.length);
    expect(name.startsWith(current.name) && SUFFIXES[current.family.type]?.includes(suffix), where).toBe(
      true,
    );
    const labels: Record<string, string> = {};
    const labelRe = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)/y;
    while (labelRe.lastIndex < rawLabels.length) {
      const l = labelRe.exec(rawLabels);
      expect(l, `${where}: bad labels`).not.toBeNull();
      if (!l) break;
      labels[l[1] ?? ""] = (l[2] ?? "").replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
    }
    // As Prometheus reads values (Go's ParseFloat): NaN and Inf in any case. prom-client writes
    // "Nan" for the event-loop lag before its first sample.
    expect(rawValue, where).toMatch(/^([-+]?\d+(\.\d+)?([eE][-+]?\d+)?|nan|[+-]?inf)$/i);
    const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    expect(seen.has(key), `${where}: repeated series`).toBe(false);
    seen.add(key);
    current.family.samples.push({
      name,
      labels,
      value: /nan/i.test(rawValue) ? Number.NaN : Number(rawValue.replace(/inf$/i, "Infinity")),
    });
  }
  return families;
}

/** The value of one series (0 when absent: a gauge with no rows has no series). */
function value(
  families: Map<string, Family>,
  family: string,
  name: string,
  labels: Record<string, string> = {},
) {
  const f = families.get(family);
  expect(f, `family ${family}`).toBeDefined();
  const s = f?.samples.find(
    (x) => x.name === name && Object.entries(labels).every(([k, v]) => x.labels[k] === v),
  );
  return s?.value ?? 0;
}

const scrapeAs = (token?: string) =>
  GET(
    new Request("http://localhost/metrics", {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    }),
  );

async function scrape(token: string) {
  const res = await scrapeAs(token);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseExposition(await res.text());
}

let worker: KairosWorker;
let adminToken = "";
let viewerToken = "";
let operatorToken = "";

beforeAll(async () => {
  const db = getDb();
  const make = async (role: "admin" | "operator" | "viewer") =>
    (await createToken(db, ADMIN, { name: `metrics-${role}`, role, kind: "service" })).token;
  adminToken = await make("admin");
  viewerToken = await make("viewer");
  operatorToken = await make("operator");
  worker = await startWorker({ databaseUrl: process.env.DATABASE_URL as string, concurrency: 4 });
});

afterAll(async () => {
  await worker?.stop();
});

describe("GET /metrics", () => {
  it("needs a token (401), with metrics.read (403 for viewers and operators)", async () => {
    const none = await scrapeAs();
    expect(none.status).toBe(401);
    expect((await none.json()).error.message).toMatch(/token/);
    expect((await scrapeAs("kairos_nope")).status).toBe(401);
    for (const t of [viewerToken, operatorToken]) {
      const res = await scrapeAs(t);
      expect(res.status).toBe(403);
      expect((await res.json()).error.message).toMatch(/metrics\.read/);
    }
    expect((await scrapeAs(adminToken)).status).toBe(200);
  });

  it("parses, and its runs, lateness, worker, queue and request metrics move after real runs", async () => {
    const db = getDb();
    await waitFor("the worker's first heartbeat", async () => {
      const f = await scrape(adminToken);
      return value(f, "kairos_workers", "kairos_workers", { state: "live" }) >= 1;
    });
    const before = await scrape(adminToken);
    const ok = { status: "succeeded", mode: "command" };
    const failed = { status: "failed", mode: "command" };

    // Two manual runs (one fails) and one scheduled slot 2 s late.
    const good = await makeJob({ mode: "command", command: "【command】echo hi" });
    const bad = await makeJob({ mode: "command", command: "【command】exit 3" });
    await runJobNow(db, ADMIN, good.id);
    await runJobNow(db, ADMIN, bad.id);
    const late = await makeJob({ mode: "command", command: "【command】true", cron: "0 0 1 1 *" });
    const slot = new Date(Date.now() - 2_000);
    await db.update(jobs).set({ state: "waiting", nextFireAt: slot }).where(eq(jobs.id, late.id));
    // The worker's own scheduler may claim the slot first; a slot makes one run either way.
    await fireDueJobs(db, new Date(), { batchSize: 100, graceMs: 60_000 });
    await Promise.all([
      waitForFinishedRuns(good.id, 1, 20_000, worker),
      waitForFinishedRuns(bad.id, 1, 20_000, worker),
      waitForFinishedRuns(late.id, 1, 20_000, worker),
    ]);

    // An API request, so the request histogram has a route.
    const list = await handleV1(
      new Request("http://localhost/api/v1/jobs", { headers: { authorization: `Bearer ${adminToken}` } }),
      "/jobs",
    );
    expect(list.status).toBe(200);

    const after = await scrape(adminToken);
    const runs = (f: Map<string, Family>, l: Record<string, string>) =>
      value(f, "kairos_runs", "kairos_runs", l);
    expect(runs(after, ok) - runs(before, ok)).toBe(2);
    expect(runs(after, failed) - runs(before, failed)).toBe(1);
    const created = (f: Map<string, Family>) =>
      value(f, "kairos_runs_created_total", "kairos_runs_created_total");
    expect(created(after) - created(before)).toBe(3);
    expect(after.get("kairos_runs_created_total")?.type).toBe("counter");

    // The late slot: in the +Inf bucket and the 2 s-and-up buckets, not in those under 2 s.
    const lat = (f: Map<string, Family>, le: string) =>
      value(f, "kairos_fire_lateness_seconds", "kairos_fire_lateness_seconds_bucket", { le });
    expect(after.get("kairos_fire_lateness_seconds")?.type).toBe("histogram");
    expect(lat(after, "+Inf") - lat(before, "+Inf")).toBe(1);
    expect(lat(after, "1") - lat(before, "1")).toBe(0);
    expect(LATENESS_BUCKETS).toContain(60);
    expect(lat(after, "60") - lat(before, "60")).toBe(1);
    const sum = (f: Map<string, Family>) =>
      value(f, "kairos_fire_lateness_seconds", "kairos_fire_lateness_seconds_sum");
    expect(sum(after) - sum(before)).toBeGreaterThanOrEqual(2);

    // This test's worker: live, a fresh heartbeat, its concurrency.
    const beat = after.get("kairos_worker_heartbeat_age_seconds")?.samples ?? [];
    expect(beat.length).toBeGreaterThanOrEqual(1);
    expect(Math.min(...beat.map((s) => s.value))).toBeLessThan(30);
    expect(after.get("kairos_worker_concurrency")?.samples.map((s) => s.value)).toContain(4);
    // The queue and the outbox are families even when empty.
    expect(after.get("kairos_queue_jobs")?.type).toBe("gauge");
    expect(after.get("kairos_outbox_messages")?.type).toBe("gauge");
    expect(value(after, "kairos_database_up", "kairos_database_up")).toBe(1);

    const reqs = (f: Map<string, Family>) =>
      value(f, "kairos_http_request_duration_seconds", "kairos_http_request_duration_seconds_count", {
        route: "/api/v1/jobs",
        method: "GET",
        status: "200",
      });
    expect(reqs(after) - reqs(before)).toBe(1);
    expect(after.get("kairos_web_process_resident_memory_bytes")?.samples[0]?.value).toBeGreaterThan(0);
  });

  it("serves every metric the Grafana dashboard (deploy/grafana-kairos.json) queries", async () => {
    const dashboard = JSON.parse(readFileSync("deploy/grafana-kairos.json", "utf8")) as {
      panels: { title: string; targets: { expr: string }[] }[];
    };
    const f = await scrape(adminToken);
    // By family (with its suffixes), so a family with no series yet still counts as served.
    const served = new Set(
      [...f.entries()].flatMap(([name, x]) => (SUFFIXES[x.type] ?? [""]).map((suffix) => name + suffix)),
    );
    const used = dashboard.panels.flatMap((p) =>
      p.targets.flatMap((t) => (t.expr.match(/\bkairos_[a-z_]+/g) ?? []).map((name) => [p.title, name])),
    );
    expect(used.length).toBeGreaterThan(10);
    expect(used.filter(([, name]) => !served.has(name as string))).toEqual([]);
  });
});
