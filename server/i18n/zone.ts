import { env } from "../lib/env";

/** The zone pages show instants in when nothing more specific (a job's own zone) applies. */
export function displayTimeZone(): string {
  return env().KAIROS_TIME_ZONE || Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}
