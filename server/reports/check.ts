/**
 * What the template editor (and saving a job) asks of a body: does it parse — if not, where —
 * which flags it sets, and which names it uses that nothing defines.
 */
import type { Msg } from "../i18n/errors";
import { type BodyFlag, parseBodyFlags } from "./flags";
import {
  compileTemplate,
  hasExtends,
  PAGE_NAME,
  TemplateProblem,
  type UndefinedName,
  undefinedNames,
} from "./template";

export type TemplateCheck = {
  ok: boolean;
  flags: BodyFlag[];
  /** `detail` is the parser's English; `msg` the same as a catalog message. */
  error?: { kind: "syntax"; detail: string; msg: Msg; line?: number; column?: number };
  undefinedNames: UndefinedName[];
};

export function checkTemplate(body: string, kind: "html" | "text" = "html"): TemplateCheck {
  const { flags, template } = kind === "html" ? parseBodyFlags(body) : { flags: [], template: body };
  try {
    const isPage = flags.includes("custom_render") && !hasExtends(template);
    compileTemplate(isPage ? `${template}{% extends "${PAGE_NAME}" %}` : template, kind);
    return { ok: true, flags, undefinedNames: undefinedNames(template) };
  } catch (e) {
    if (!(e instanceof TemplateProblem)) throw e;
    return {
      ok: false,
      flags,
      error: { kind: "syntax", detail: e.detail, msg: e.msg, line: e.line, column: e.column },
      undefinedNames: [],
    };
  }
}
