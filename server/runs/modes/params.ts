import { z } from "zod";

/**
 * Each mode's parameters, structured. The seed's 【key】value text (server/jobs/command-text.ts)
 * is parsed into these and printed back from them, so a job reads the same both ways.
 */
export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"] as const;

export const ZHttpParams = z.object({
  url: z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" }),
  method: z
    .string()
    .trim()
    .transform((m) => m.toUpperCase())
    .pipe(z.enum(HTTP_METHODS, { error: `must be one of ${HTTP_METHODS.join(", ")}` }))
    .default("GET"),
  /** Header lines in order, as `Name: value` pairs (the seed separates them with |||). */
  headers: z
    .array(
      z.tuple([
        z
          .string()
          .min(1, "header name required")
          // RFC 9110 token: anything else (a space, a colon, CR/LF) is refused at save time.
          .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, "not a valid header name"),
        // A CR or LF would end the header and start another (header injection).
        z.string().regex(/^[^\r\n\0]*$/, "a header value cannot contain line breaks"),
      ]),
    )
    .default([]),
  data: z.string().optional(),
  cookies: z
    .string()
    .regex(/^[^\r\n\0]*$/, "cookies cannot contain line breaks")
    .optional(),
  proxy: z
    .string()
    .regex(/^(https?|socks[45]?h?):\/\//, "must be an http://, https://, socks4:// or socks5:// URL")
    .optional(),
  /** Requests per run (the seed's 【times】); 0 means 1. */
  times: z.number().int().min(0).max(1000).default(1),
  /** A run succeeds only if the response body contains this text (the seed's 【result】). */
  result: z.string().optional(),
});
export type HttpParams = z.infer<typeof ZHttpParams>;

export const SHELL_MODES = ["auto", "always", "never"] as const;

export const ZCommandParams = z.object({
  command: z.string().trim().min(1, "the command is required"),
  workdir: z.string().optional(),
  env: z
    .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "not a valid variable name"), z.string())
    .default({}),
  /** Seconds; the seed's default is 30. */
  timeout: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 3600)
    .optional(),
  /** auto: a shell only when the command uses shell syntax ($VAR, |, >, &&, ;, globs…). */
  shell: z.enum(SHELL_MODES).default("auto"),
});
export type CommandParams = z.infer<typeof ZCommandParams>;

export const ZFuncParams = z.object({
  name: z.string().trim().min(1, "the function name is required").max(200),
  args: z.array(z.string()).default([]),
});
export type FuncParams = z.infer<typeof ZFuncParams>;

export const COMMAND_DEFAULT_TIMEOUT_SECONDS = 30;
