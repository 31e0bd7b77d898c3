/** `npm run bench -- <name>`: runs bench/<name>.ts. Without a name, lists them. */
import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const dir = path.dirname(fileURLToPath(import.meta.url));
const benches = readdirSync(dir)
  .filter((f) => f.endsWith(".ts") && !["index.ts", "lib.ts"].includes(f))
  .map((f) => f.replace(/\.ts$/, ""));
const name = process.argv[2];
if (!name || !benches.includes(name)) {
  console.log(`usage: npm run bench -- <name>\navailable: ${benches.join(", ")}`);
  process.exit(name ? 1 : 0);
}
try {
  await import(`./${name}.ts`);
} catch (e) {
  // A failed bench still stops what it started (its embedded Postgres above all).
  console.error(e);
  const { runBenchCleanups } = await import("./lib");
  await runBenchCleanups();
  process.exit(1);
}
