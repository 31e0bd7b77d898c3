/**
 * Issue 7, item 7: `kairos start` (what systemd runs) must log. The CLI keeps its own output
 * quiet with LOG_LEVEL=silent, and that must not reach Kairos itself.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { kairos } from "../cli/helpers";

const dataDir = mkdtempSync(path.join(os.tmpdir(), "kairos-cli-logs-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("kairos start", () => {
  it("logs as Kairos does (the CLI's LOG_LEVEL=silent stays the CLI's)", async () => {
    // A database that cannot be reached: the launcher logs why and stops, quickly.
    const r = await kairos(["start"], {
      env: {
        LOG_LEVEL: undefined,
        LOG_PRETTY: "0",
        KAIROS_DATA_DIR: dataDir,
        DATABASE_URL: "postgres://kairos@127.0.0.1:1/kairos",
        PORT: "1",
      },
    });
    expect(r.code).not.toBe(0);
    const lines = `${r.stdout}\n${r.stderr}`
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as { level: number; msg: string; svc?: string });
    const fatal = lines.find((l) => l.msg === "could not prepare the database");
    expect(fatal, `${r.stdout}\n${r.stderr}`).toBeDefined();
    expect(fatal?.level).toBe(60);
  });

  it("still honours a LOG_LEVEL the user set", async () => {
    const r = await kairos(["start"], {
      env: {
        LOG_LEVEL: "silent",
        LOG_PRETTY: "0",
        KAIROS_DATA_DIR: dataDir,
        DATABASE_URL: "postgres://kairos@127.0.0.1:1/kairos",
        PORT: "1",
      },
    });
    expect(r.code).not.toBe(0);
    expect(`${r.stdout}${r.stderr}`).not.toContain("could not prepare the database");
  });
});
