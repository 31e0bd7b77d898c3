/**
 * Schemas for what users give the reports area (job forms, /api/v1, the template editor): a
 * body or subject that must parse (refused naming its line), table caps, attachment choices.
 */
import { z } from "zod";
import { checkTemplate } from "./check";

const MAX_TEMPLATE_CHARS = 200_000;

function parses(kind: "html" | "text") {
  return (source: string, ctx: z.RefinementCtx) => {
    const check = checkTemplate(source, kind);
    if (check.ok || !check.error) return;
    const { line, column, detail } = check.error;
    // The English message keeps the parser's words; the catalog message says them in the reader's.
    const key = line ? (column ? "errors.templateAt" : "errors.templateLine") : "errors.template";
    ctx.addIssue({
      code: "custom",
      message: line ? `line ${line}${column ? `, column ${column}` : ""}: ${detail}` : detail,
      params: { key, line, column, detail: check.error.msg },
    });
  };
}

/** A mail body: optional flags, then a Jinja2 template that parses. */
export const ZReportBody = z.string().max(MAX_TEMPLATE_CHARS).superRefine(parses("html"));

/** A subject template (plain text). */
export const ZReportSubject = z.string().trim().max(998).superRefine(parses("text"));

export const ZTableCaps = z.object({
  maxRows: z.number().int().min(1).max(10_000).default(100),
  maxCols: z.number().int().min(1).max(200).default(20),
});

export const ZAttachMode = z.discriminatedUnion("mode", [
  z.object({ mode: z.literal("all") }),
  z.object({ mode: z.literal("none") }),
  z.object({ mode: z.literal("pattern"), pattern: z.string().trim().min(1, "required").max(500) }),
]);

export const ZRenderMailOptions = z.object({
  caps: ZTableCaps.default({ maxRows: 100, maxCols: 20 }),
  textMaxRows: z.number().int().min(0).max(10_000).default(100),
  skipWhenEmpty: z.boolean().default(false),
  attach: ZAttachMode.default({ mode: "all" }),
  zipAboveBytes: z
    .number()
    .int()
    .min(0)
    .nullable()
    .default(20 * 1024 * 1024),
});
export type RenderMailOptionsInput = z.input<typeof ZRenderMailOptions>;

export const ZReadOptions = z.object({
  maxRows: z.number().int().min(1).max(10_000_000).default(200_000),
});

/** The template editor's check: a body (or subject) and which it is. */
export const ZCheckTemplateInput = z.object({
  source: z.string().max(MAX_TEMPLATE_CHARS),
  kind: z.enum(["html", "text"]).default("html"),
});
