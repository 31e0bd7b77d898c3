#!/usr/bin/env node
/**
 * Kairos site collector (issue 12): one file, Node ≥ 18, no install. On a Linux server it reads
 * cpu (from /proc/stat, over a short interval), memory (/proc/meminfo), disks (`df -kP`) and,
 * optionally, running nodes (processes whose command line matches given names), and either
 * appends the lines to the seed's daily file `<dir>/sys_monitor/system_info_YYYYmmdd.txt`
 * (served to Kairos' pull by any web server) or pushes them to
 * `POST <kairos>/api/v1/sites/<site>/ingest` with the site's push token.
 *
 *   node kairos-collector.mjs --site SZ01 --dir /var/www/site            # write the daily file
 *   node kairos-collector.mjs --site SZ01 --push https://kairos.example --token kairos_site_…
 *   options: --name <server name> (hostname) --ip <address> (first non-internal IPv4)
 *            --nodes nginx,java (running nodes to report) --interval-ms 1000 (cpu sample)
 *            --mounts /,/data (default: every real file system)
 *
 * Run it from cron every minute. Times are the server's local wall-clock time, as the site's
 * zone in Kairos should be.
 */
import { execFileSync } from "node:child_process";
import { appendFileSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

function args(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith("--")) continue;
    const [k, v] = a.slice(2).split("=", 2);
    out[k] = v ?? argv[++i];
  }
  return out;
}

const pad = (n) => String(n).padStart(2, "0");
function wall(d) {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
const round = (v) => Math.round(v * 100) / 100;
const clean = (s) => String(s).replaceAll("|", "/").replaceAll("\n", " ").trim();

function cpuTimes() {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, idle, iowait = 0, irq = 0, softirq = 0, steal = 0] = line;
  return { user: user + nice, sys: system + irq + softirq + steal, io: iowait, idle };
}

async function cpu(intervalMs) {
  const a = cpuTimes();
  await new Promise((r) => setTimeout(r, intervalMs));
  const b = cpuTimes();
  const d = { user: b.user - a.user, sys: b.sys - a.sys, io: b.io - a.io, idle: b.idle - a.idle };
  const total = d.user + d.sys + d.io + d.idle || 1;
  return [d.user, d.sys, d.io, d.idle].map((v) => round((v / total) * 100));
}

/** used, free, buffer (buffers + cached), total in MB. */
function mem() {
  const info = Object.fromEntries(
    readFileSync("/proc/meminfo", "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => {
        const [k, v] = l.split(":");
        return [k.trim(), Number.parseInt(v, 10)];
      }),
  );
  const mb = (kb) => round((kb ?? 0) / 1024);
  const buffer = (info.Buffers ?? 0) + (info.Cached ?? 0);
  const used = (info.MemTotal ?? 0) - (info.MemFree ?? 0) - buffer;
  return [mb(used), mb(info.MemFree), mb(buffer), mb(info.MemTotal)];
}

const VIRTUAL_FS = /^(tmpfs|devtmpfs|overlay|squashfs|udev|none|shm|proc|sysfs|cgroup)/;
/** [mount, used MB, total MB] of real file systems (or the given mounts). */
function disks(only) {
  const out = execFileSync("df", ["-kP"], { encoding: "utf8" }).split("\n").slice(1).filter(Boolean);
  return out
    .map((l) => l.split(/\s+/))
    .filter((f) => f.length >= 6)
    .map((f) => ({ fs: f[0], total: Number(f[1]), used: Number(f[2]), mount: f.slice(5).join(" ") }))
    .filter((d) => (only ? only.includes(d.mount) : !VIRTUAL_FS.test(d.fs) && d.total >= 1024))
    .map((d) => [d.mount, round(d.used / 1024), round(d.total / 1024)]);
}

/** Each wanted node name: running when a process's command line contains it. */
function nodes(names) {
  const cmdlines = [];
  // Not this process: its own arguments name the nodes.
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p) && Number(p) !== process.pid)) {
    try {
      cmdlines.push(readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " "));
    } catch {
      // The process ended while we looked.
    }
  }
  return names.map((n) => [n, cmdlines.some((c) => c.includes(n)) ? "running" : "stopped"]);
}

function firstIp() {
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) if (a.family === "IPv4" && !a.internal) return a.address;
  }
  return "127.0.0.1";
}

export async function collect(o) {
  const now = new Date();
  const at = wall(now);
  const head = `${clean(o.name)}|${clean(o.ip)}|${clean(o.site)}`;
  const lines = [`${head}|cpu|${(await cpu(o.intervalMs)).join("|")}|${at}`];
  lines.push(`${head}|mem|${mem().join("|")}|${at}`);
  for (const [mount, used, total] of disks(o.mounts))
    lines.push(`${head}|disk|${clean(mount)}|${used}|${total}|${at}`);
  for (const [node, state] of nodes(o.nodes)) lines.push(`${head}|node|${clean(node)}|${state}|${at}`);
  return { now, lines };
}

async function main() {
  const a = args(process.argv.slice(2));
  if (!a.site || (!a.dir && !a.push)) {
    console.error(
      "usage: kairos-collector.mjs --site <site_id> (--dir <folder> | --push <kairos url> --token <push token>)",
    );
    process.exit(2);
  }
  const o = {
    site: a.site,
    name: a.name ?? os.hostname(),
    ip: a.ip ?? firstIp(),
    nodes: a.nodes ? a.nodes.split(",").filter(Boolean) : [],
    mounts: a.mounts ? a.mounts.split(",").filter(Boolean) : null,
    intervalMs: Number(a["interval-ms"] ?? 1000),
  };
  const { now, lines } = await collect(o);
  const body = `${lines.join("\n")}\n`;
  const day = `${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}`;
  if (a.dir) {
    const folder = path.join(a.dir, "sys_monitor");
    mkdirSync(folder, { recursive: true });
    appendFileSync(path.join(folder, `system_info_${day}.txt`), body);
  }
  if (a.push) {
    const url = `${a.push.replace(/\/+$/, "")}/api/v1/sites/${encodeURIComponent(a.site)}/ingest?file=system_info_${day}.txt`;
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "text/plain; charset=utf-8", authorization: `Bearer ${a.token ?? ""}` },
      body,
    });
    const text = await res.text();
    if (!res.ok) {
      console.error(`push failed: HTTP ${res.status} ${text}`);
      process.exit(1);
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
