import { z } from "zod";
import { ZTimeZone } from "../cron/zone-schema";
import { ROLES } from "../db/schema";

export const ZUsername = z
  .string()
  .trim()
  .min(2, "at least 2 characters")
  .max(64, "at most 64 characters")
  .regex(/^[\p{L}\p{N}._@-]+$/u, "letters, digits and . _ @ - only");
export const ZPassword = z.string().min(8, "at least 8 characters").max(200, "at most 200 characters");
export const ZEmailOptional = z
  .union([z.literal(""), z.email("not a valid email address")])
  .optional()
  .transform((v) => (v ? v.toLowerCase() : null));
/** In an update: absent = keep, "" = clear, else set. */
export const ZEmailPatch = z
  .union([z.literal(""), z.email("not a valid email address")])
  .optional()
  .transform((v) => (v === undefined ? undefined : v ? v.toLowerCase() : null));
export const ZRole = z.enum(ROLES);
export const ZLocale = z.enum(["en", "zh-CN"]);
export { ZTimeZone };

export const ZLoginInput = z.object({
  login: z.string().trim().min(1, "required").max(200),
  password: z.string().min(1, "required").max(200),
});

export const ZSetupInput = z
  .object({
    username: ZUsername,
    email: ZEmailOptional,
    name: z.string().trim().max(100).default(""),
    password: ZPassword,
    confirm: z.string(),
  })
  .refine((v) => v.password === v.confirm, { path: ["confirm"], message: "passwords do not match" });

export const ZCreateUserInput = z.object({
  username: ZUsername,
  email: ZEmailOptional,
  name: z.string().trim().max(100).default(""),
  role: ZRole,
  password: ZPassword,
});
export type CreateUserInput = z.infer<typeof ZCreateUserInput>;

export const ZUpdateUserInput = z.object({
  id: z.number().int().positive(),
  email: ZEmailPatch,
  name: z.string().trim().max(100).optional(),
  role: ZRole.optional(),
  isActive: z.boolean().optional(),
  password: ZPassword.optional(),
});
export type UpdateUserInput = z.infer<typeof ZUpdateUserInput>;
