import type { JobHelpers, Task } from "graphile-worker";
import type { z } from "zod";
import { log } from "../server/lib/log";
import { TASKS, type TaskName } from "../server/queue/tasks";

/**
 * A typed task: its payload is validated with zod before the handler runs, so a malformed job
 * fails with a clear message (and is not retried forever: a bad payload will not get better).
 */
export function defineTask<T extends TaskName>(
  name: T,
  handler: (payload: z.output<(typeof TASKS)[T]>, helpers: JobHelpers) => Promise<void>,
): [string, Task] {
  const payload = TASKS[name];
  const task: Task = async (raw, helpers) => {
    const parsed = payload.safeParse(raw);
    if (!parsed.success) {
      log("worker").error(
        { task: name, jobId: helpers.job.id, issues: parsed.error.issues },
        "invalid task payload",
      );
      // Returning (not throwing) completes the job: retrying an invalid payload cannot help.
      return;
    }
    await handler(parsed.data as z.output<(typeof TASKS)[T]>, helpers);
  };
  return [name, task];
}
