/** Every mail template, rendered in 中文, holds no English sentence (issue 10). */
import { readdirSync } from "node:fs";
import path from "node:path";
import { createElement, type FunctionComponent } from "react";
import { describe, expect, it } from "vitest";
import { renderEmail } from "../../server/mail/render";
import { englishSentences } from "../helpers/english";

const DIR = path.resolve("emails");
const templates = readdirSync(DIR).filter((f) => f.endsWith(".tsx") && f !== "layout.tsx");

describe("mail templates in 中文", () => {
  it("has templates to check", () => expect(templates.length).toBeGreaterThanOrEqual(3));
  for (const file of templates) {
    it(`${file} has no English sentence`, async () => {
      const mod = (await import(path.join(DIR, file))) as {
        default: FunctionComponent<Record<string, unknown>> & { PreviewProps?: Record<string, unknown> };
      };
      const props = { ...mod.default.PreviewProps, locale: "zh-CN" };
      const { text } = await renderEmail(createElement(mod.default, props));
      // The preview's own data (a job's name, a log, addresses) is not the template's words.
      const data = Object.values(props).filter((v): v is string => typeof v === "string" && v.length > 2);
      expect(englishSentences(text, data), text).toEqual([]);
      // Labels and sentences end in full-width punctuation (最近的错误：, not 最近的错误:).
      expect(text.match(/[\u3400-\u9fff][:;,!?]/g) ?? [], text).toEqual([]);
      // The same template in English is caught by the check (so the check can fail).
      const en = await renderEmail(createElement(mod.default, { ...props, locale: "en" }));
      expect(englishSentences(en.text, data).length).toBeGreaterThan(0);
    });
  }
});
