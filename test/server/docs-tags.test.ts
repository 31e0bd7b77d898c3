import { describe, expect, it } from "vitest";
import { openApiDocument } from "../../server/api/openapi";
import { messagesFor } from "../../server/i18n/messages";

/** The API docs page titles each OpenAPI tag from the catalogs: a new tag needs its name there. */
describe("API docs tags", () => {
  const doc = openApiDocument({ prefix: "" });
  const tags = new Set<string>();
  for (const item of Object.values(doc.paths)) {
    for (const op of Object.values(item as Record<string, { tags?: string[] }>)) {
      for (const tag of op.tags ?? []) tags.add(tag);
    }
  }

  it("finds the tags of both APIs", () => {
    expect(tags.has("jobs")).toBe(true);
    expect(tags.has("v1-jobs")).toBe(true);
  });

  for (const locale of ["en", "zh-CN"] as const) {
    it(`names every tag in ${locale}`, () => {
      const names = (messagesFor(locale) as { docs: { tag: Record<string, string> } }).docs.tag;
      const missing = [...tags].filter((tag) => !names[tag]?.trim());
      expect(missing).toEqual([]);
    });
  }
});
