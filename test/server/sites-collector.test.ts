/**
 * Issue 12: the collector shipped in deploy/collector runs with plain `node` on this Linux
 * machine, reads /proc and df, and writes system_info lines Kairos reads without a bad line —
 * into the seed's daily file, or pushed to the ingest endpoint with the site's token.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, expect, it } from "vitest";
import { parseInfo } from "../../server/sites/parse";

const run = promisify(execFile);
const SCRIPT = path.resolve("deploy/collector/kairos-collector.mjs");
const dir = mkdtempSync(path.join(os.tmpdir(), "kairos-collector-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function check(text: string) {
  const parsed = parseInfo(text, { siteCode: "C1" });
  expect(parsed.bad).toEqual([]);
  const kinds = parsed.rows.samples.map((s) => s.kind);
  expect(kinds.filter((k) => k === "cpu")).toHaveLength(1);
  expect(kinds.filter((k) => k === "mem")).toHaveLength(1);
  expect(kinds.filter((k) => k === "disk").length).toBeGreaterThan(0);
  const cpu = parsed.rows.samples.find((s) => s.kind === "cpu");
  expect((cpu?.v1 ?? 0) + (cpu?.v2 ?? 0) + (cpu?.v3 ?? 0) + (cpu?.v4 ?? 0)).toBeCloseTo(100, 0);
  const mem = parsed.rows.samples.find((s) => s.kind === "mem");
  expect(mem?.v4).toBeGreaterThan(0);
  return parsed;
}

it("writes the daily system_info file: cpu, memory, disks and running nodes, all readable", async () => {
  await run(process.execPath, [
    SCRIPT,
    "--site",
    "C1",
    "--name",
    "box1",
    "--dir",
    dir,
    "--nodes",
    "node,no-such-daemon-x",
    "--interval-ms",
    "200",
  ]);
  const folder = path.join(dir, "sys_monitor");
  const [file] = readdirSync(folder);
  expect(file).toMatch(/^system_info_\d{8}\.txt$/);
  const parsed = check(readFileSync(path.join(folder, file as string), "utf8"));
  expect(parsed.rows.samples[0]?.server).toBe("box1");
  expect(parsed.rows.nodes.map((n) => [n.node, n.state])).toEqual([
    ["node", "running"],
    ["no-such-daemon-x", "stopped"],
  ]);
});

it("pushes the lines to the ingest endpoint with the site's token", async () => {
  let got: { url: string; auth: string; body: string } | null = null;
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      got = { url: req.url ?? "", auth: req.headers.authorization ?? "", body };
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  try {
    await run(process.execPath, [
      SCRIPT,
      "--site",
      "C1",
      "--push",
      `http://127.0.0.1:${port}/`,
      "--token",
      "kairos_site_abc",
      "--interval-ms",
      "100",
    ]);
  } finally {
    server.close();
  }
  expect(got).not.toBeNull();
  const g = got as unknown as { url: string; auth: string; body: string };
  expect(g.url).toMatch(/^\/api\/v1\/sites\/C1\/ingest\?file=system_info_\d{8}\.txt$/);
  expect(g.auth).toBe("Bearer kairos_site_abc");
  check(g.body);
});
