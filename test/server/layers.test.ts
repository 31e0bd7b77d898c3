import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * The layers of issue 8 ("The house"), read from the import lines of the tree: pages and route
 * handlers reach the database only through procedures and domain functions, and the database
 * layer stands on the ground floor (server/lib) only.
 */
const files = (dir: string): string[] =>
  fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory()
        ? files(path.join(dir, e.name))
        : /\.tsx?$/.test(e.name)
          ? [path.join(dir, e.name)]
          : [],
    );

/** Every module a file imports (value or type), as a path from the repository root. */
function importsOf(file: string): string[] {
  const src = fs.readFileSync(file, "utf8");
  const out: string[] = [];
  for (const m of src.matchAll(/(?:from|import)\s*\(?\s*["']([^"']+)["']/g)) {
    const spec = m[1] ?? "";
    if (spec.startsWith("@/")) out.push(spec.slice(2));
    else if (spec.startsWith(".")) out.push(path.join(path.dirname(file), spec));
  }
  return out;
}

describe("layers", () => {
  it("app/ never imports server/db/", () => {
    const offenders = files("app").flatMap((f) =>
      importsOf(f)
        .filter((i) => i.startsWith("server/db/") || i === "server/db")
        .map((i) => `${f} -> ${i}`),
    );
    expect(offenders).toEqual([]);
  });

  it("server/db/ imports only server/db/ and server/lib/", () => {
    const offenders = files("server/db").flatMap((f) =>
      importsOf(f)
        .filter((i) => i.startsWith("server/") && !i.startsWith("server/db") && !i.startsWith("server/lib/"))
        .map((i) => `${f} -> ${i}`),
    );
    expect(offenders).toEqual([]);
  });

  it("scheduling is layered: schedule above jobs above runs, none importing upwards", () => {
    const above: Record<string, string[]> = {
      "server/runs": ["server/jobs", "server/schedule"],
      "server/jobs": ["server/schedule"],
    };
    const offenders = Object.entries(above).flatMap(([dir, banned]) =>
      files(dir).flatMap((f) =>
        importsOf(f)
          .filter((i) => banned.some((b) => i === b || i.startsWith(`${b}/`)))
          .map((i) => `${f} -> ${i}`),
      ),
    );
    expect(offenders).toEqual([]);
  });

  it("one local-time formatter: Intl.DateTimeFormat only in server/lib/local-time.ts", () => {
    // The cron library's offset cache, the zone check of env and Go's time layout for user
    // functions (the process's zone abbreviation) are not formatters of local time for readers.
    const allowed = [
      "server/lib/local-time.ts",
      "server/cron/zone-offsets.ts",
      "server/lib/env.ts",
      "server/functions/go-time.ts",
    ];
    const offenders = ["app", "server", "cli", "worker", "emails"]
      .flatMap((d) => files(d))
      .filter(
        (f) =>
          !allowed.includes(f) &&
          /new Intl\.DateTimeFormat\(|\.toLocale(Date|Time)?String\(\s*[^)]/.test(fs.readFileSync(f, "utf8")),
      );
    expect(offenders).toEqual([]);
  });

  it("client components reach no server-only module, Node built-in or server/db/", () => {
    const all = new Set(["app", "server"].flatMap((d) => files(d)));
    const resolve = (i: string) =>
      [i, `${i}.ts`, `${i}.tsx`, `${i}/index.ts`, `${i}/index.tsx`].find((c) => all.has(c));
    const src = (f: string) => fs.readFileSync(f, "utf8");
    // Value imports only: a type import leaves no code in the bundle; a "use server" module
    // reaches the client as a reference to a server action, not as code.
    const valueImports = (f: string) =>
      [...src(f).matchAll(/^(?:import|export)(?!\s+type\s)[^'"]*?["']([^"']+)["']/gm)].map((m) => m[1] ?? "");
    const bad: string[] = [];
    const seen = new Set<string>();
    const visit = (f: string, from: string) => {
      if (seen.has(f)) return;
      seen.add(f);
      if (/^["']use server["']/m.test(src(f))) return;
      for (const spec of valueImports(f)) {
        if (spec === "server-only" || spec.startsWith("node:")) bad.push(`${from} … ${f} -> ${spec}`);
        const local = spec.startsWith("@/")
          ? spec.slice(2)
          : spec.startsWith(".")
            ? path.join(path.dirname(f), spec)
            : null;
        if (local?.startsWith("server/db")) bad.push(`${from} … ${f} -> ${local}`);
        const next = local && resolve(local);
        if (next) visit(next, from);
      }
    };
    for (const f of all) if (/^["']use client["']/m.test(src(f))) visit(f, f);
    expect(seen.size).toBeGreaterThan(20);
    expect(bad).toEqual([]);
  });
});
