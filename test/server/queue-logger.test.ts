import { afterEach, describe, expect, it, vi } from "vitest";
import { log } from "../../server/lib/log";
import { queueLogger } from "../../server/lib/queue-logger";

// graphile-worker logs a "Completed task" line per task at info: one per run, which the run's
// own record already says (issue 9). It goes to debug; failures still reach the log.
describe("queue logger", () => {
  const root = log("queue");
  const level = root.level;
  afterEach(() => {
    root.level = level;
    vi.restoreAllMocks();
  });

  it("keeps a task's success below info, and its failure at error", () => {
    root.level = "info";
    const lines: [string, unknown][] = [];
    vi.spyOn(root, "child").mockImplementation(() => {
      const record = (name: string) => (_meta: unknown, msg: string) => lines.push([name, msg]);
      return {
        info: record("info"),
        debug: record("debug"),
        error: record("error"),
        warn: record("warn"),
      } as never;
    });
    const l = queueLogger.scope({ label: "worker" });
    l.info("Completed task 7 (run_execute, 3.00ms) with success", { success: true, duration: 3 });
    l.info("Worker connected and looking for jobs...");
    l.error("Failed task 8 (run_execute, 3.00ms) with error 'boom'", { failure: true });
    expect(lines).toEqual([
      ["info", "Worker connected and looking for jobs..."],
      ["error", "Failed task 8 (run_execute, 3.00ms) with error 'boom'"],
    ]);
    root.level = "debug";
    l.info("Completed task 9 (run_execute, 3.00ms) with success", { success: true, duration: 3 });
    expect(lines.at(-1)).toEqual(["debug", "Completed task 9 (run_execute, 3.00ms) with success"]);
  });
});
