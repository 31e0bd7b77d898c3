import { describe, expect, it } from "vitest";
import { negotiateLocale } from "../../server/i18n/locale";
import { translator } from "../../server/i18n/messages";
import en from "../../server/i18n/messages/en.json";
import zh from "../../server/i18n/messages/zh-CN.json";

function keys(o: object, prefix = ""): string[] {
  return Object.entries(o).flatMap(([k, v]) =>
    v && typeof v === "object" ? keys(v as object, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

describe("i18n", () => {
  it("has every message in both languages", () => {
    expect(keys(zh).sort()).toEqual(keys(en).sort());
    for (const k of keys(zh)) expect(k, k).not.toBe("");
  });

  it("negotiates from Accept-Language with q-values", () => {
    expect(negotiateLocale("zh-CN,zh;q=0.9,en;q=0.8")).toBe("zh-CN");
    expect(negotiateLocale("en-US,en;q=0.9,zh-CN;q=0.8")).toBe("en");
    expect(negotiateLocale("zh-TW")).toBe("zh-CN");
    expect(negotiateLocale("fr-FR,en;q=0.5,zh;q=0.7")).toBe("zh-CN");
    expect(negotiateLocale("de, fr")).toBe("en");
    expect(negotiateLocale(undefined)).toBe("en");
  });

  it("formats messages outside React for emails", () => {
    expect(translator("zh-CN")("email.test.body", { user: "小胡" })).toContain("小胡");
    expect(translator("en")("common.total", { count: 1 })).toBe("1 item");
  });
});
