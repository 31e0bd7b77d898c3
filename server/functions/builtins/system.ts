import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { zodText } from "../../i18n/errors";
import { env } from "../../lib/env";
import { type Builtin, formatBytes, fsError, parseArgs, print } from "./common";

const ITEMS = ["disk", "mem", "load", "cpu", "uptime"] as const;

const ZMonitorArgs = z.object({
  item: z
    .string({ error: zodText("args.itemRequired", { items: ITEMS.join(", ") }) })
    .trim()
    .transform((v) => {
      const i = v.indexOf(":");
      return i < 0
        ? { name: v.toLowerCase(), path: "" }
        : { name: v.slice(0, i).toLowerCase(), path: v.slice(i + 1).trim() };
    })
    .pipe(
      z.object({
        name: z.enum(ITEMS, { error: zodText("oneOf", { values: "disk[:path], mem, load, cpu, uptime" }) }),
        path: z.string(),
      }),
    ),
  threshold: z
    .string()
    .trim()
    .transform((v) => v.replace(/%$/, ""))
    .pipe(
      z
        .string()
        .regex(/^\d+(\.\d+)?$/, zodText("args.percentage"))
        .transform(Number)
        .refine((n) => n <= 100, zodText("args.percentage")),
    )
    .optional(),
});

type Reading = { text: string; usedPercent: number | null; facts: Record<string, number | string> };

const pct = (n: number) => `${n.toFixed(1)}%`;

function duration(seconds: number): string {
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return [d && `${d} d`, (d || h) && `${h} h`, `${m} min`].filter(Boolean).join(" ");
}

async function read(name: (typeof ITEMS)[number], where: string, signal: AbortSignal): Promise<Reading> {
  switch (name) {
    case "disk": {
      // Only the file system's usage figures are read, so any path may be watched.
      const p = where ? path.resolve(env().dataDir, where) : "/";
      signal.throwIfAborted();
      const s = await fs.statfs(p).catch((e) => {
        throw fsError(e, p);
      });
      const used = (s.blocks - s.bfree) * s.bsize;
      const free = s.bavail * s.bsize;
      const total = s.blocks * s.bsize;
      // As df computes it: space reserved for root counts neither as used nor as available.
      const usedPercent = used + free > 0 ? (used / (used + free)) * 100 : 0;
      return {
        text: `disk ${p}: ${pct(usedPercent)} used (${formatBytes(used)} of ${formatBytes(total)}, ${formatBytes(free)} free)`,
        usedPercent,
        facts: { path: p, totalBytes: total, usedBytes: used, freeBytes: free },
      };
    }
    case "mem": {
      const total = os.totalmem();
      const free = os.freemem();
      const usedPercent = ((total - free) / total) * 100;
      return {
        text: `memory: ${pct(usedPercent)} used (${formatBytes(total - free)} of ${formatBytes(total)}, ${formatBytes(free)} available)`,
        usedPercent,
        facts: { totalBytes: total, freeBytes: free },
      };
    }
    case "load":
    case "cpu": {
      const [l1 = 0, l5 = 0, l15 = 0] = os.loadavg();
      const cores = os.availableParallelism();
      const usedPercent = (l1 / cores) * 100;
      return {
        text: `load: ${l1.toFixed(2)} ${l5.toFixed(2)} ${l15.toFixed(2)} on ${cores} cores (${pct(usedPercent)} of capacity over 1 min)`,
        usedPercent,
        facts: { load1: l1, load5: l5, load15: l15, cores },
      };
    }
    case "uptime": {
      const up = os.uptime();
      return {
        text: `uptime: system ${duration(up)}, Kairos process ${duration(process.uptime())}`,
        usedPercent: null,
        facts: { systemSeconds: Math.round(up), processSeconds: Math.round(process.uptime()) },
      };
    }
  }
}

const monitor: Builtin = {
  name: "Monitor",
  params: ["item", "threshold"],
  description:
    "Checks disk[:path], mem, load/cpu or uptime; with a threshold percentage, fails when usage reaches it.",
  descriptionZh: "检查 disk[:路径]、mem、load/cpu 或 uptime；给出阈值百分比时，使用率达到阈值即失败。",
  async run(args, ctx) {
    const a = parseArgs(ZMonitorArgs, { item: args[0], threshold: args[1] || undefined });
    const r = await read(a.item.name, a.item.path, ctx.signal);
    print(ctx, r.text);
    const result = {
      item: a.item.name,
      usedPercent: r.usedPercent,
      threshold: a.threshold ?? null,
      ...r.facts,
    };
    if (a.threshold === undefined) return { ok: true, result };
    if (r.usedPercent === null)
      throw new Error(`${a.item.name} has no usage percentage to compare with a threshold`);
    if (r.usedPercent >= a.threshold) {
      return {
        ok: false,
        error: `${a.item.name} usage ${pct(r.usedPercent)} ≥ threshold ${a.threshold}%`,
        result,
      };
    }
    print(ctx, `below the threshold of ${a.threshold}%`);
    return { ok: true, result };
  },
};

export const systemBuiltins: Builtin[] = [monitor];
