import { z } from "zod";
import { isValidTimeZone } from "./zone-offsets";

/** An IANA zone name; the refusal names the zone and reads in the caller's language. */
export const ZTimeZone = z
  .string()
  .trim()
  .max(100)
  .superRefine((zone, ctx) => {
    if (!isValidTimeZone(zone)) {
      ctx.addIssue({
        code: "custom",
        message: `unknown time zone "${zone}"`,
        params: { key: "errors.unknownZone", zone },
      });
    }
  });
