import type { TaskList } from "graphile-worker";
import { z } from "zod";
import { getDb } from "../server/db/client";
import { deliverMail, MAIL_TASK } from "../server/mail/outbox";
import { defineTask } from "./task";

/** Every task a Kairos worker runs. Tasks are thin: they validate and call server/. */
export const taskList: TaskList = Object.fromEntries([
  defineTask(MAIL_TASK, z.object({ id: z.number().int().positive() }), async ({ id }, helpers) => {
    await deliverMail(getDb(), id, { n: helpers.job.attempts, max: helpers.job.max_attempts });
  }),
]);
