import { z } from "zod";

/**
 * The largest page any list answers. TimerJobs clients ask for 1,000 rows at a time, so a
 * larger request is not refused: it is capped here, silently, and the answer carries the page
 * size actually used (`page_size` in the TimerJobs API, `size` in /api/v1).
 */
export const MAX_PAGE_SIZE = 1000;

export const capPageSize = (n: number) => Math.min(n, MAX_PAGE_SIZE);

/** A page size parameter: a whole number from 1, capped at MAX_PAGE_SIZE. */
export const zPageSize = () =>
  z
    .number()
    .int("must be a whole number")
    .min(1, "must be 1 or more")
    .transform(capPageSize)
    .meta({ description: `rows per page; more than ${MAX_PAGE_SIZE} is answered with ${MAX_PAGE_SIZE}` });
