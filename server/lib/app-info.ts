import { readFileSync } from "node:fs";
import path from "node:path";
import { env } from "./env";

/** Where people reach this Kairos: links in emails point here. */
export function publicUrl(): string {
  const e = env();
  return (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, "");
}

let version: string | undefined;
export function appVersion(): string {
  if (!version) {
    try {
      version = (
        JSON.parse(readFileSync(path.join(process.cwd(), "package.json"), "utf8")) as { version: string }
      ).version;
    } catch {
      version = "unknown";
    }
  }
  return version;
}
