import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
// The ICU parser next-intl compiles every message with: its verdict is what a page shows.
import { type MessageFormatElement, parse, TYPE } from "@formatjs/icu-messageformat-parser";
import { createTranslator } from "next-intl";
import { describe, expect, it } from "vitest";
import { LOCALES, type Locale, negotiateLocale } from "../../server/i18n/locale";
import { messagesFor, translator } from "../../server/i18n/messages";

type Leaf = [key: string, value: unknown];
function leaves(o: object, prefix = ""): Leaf[] {
  return Object.entries(o).flatMap(([k, v]): Leaf[] =>
    v && typeof v === "object" && !Array.isArray(v)
      ? leaves(v as object, `${prefix}${k}.`)
      : [[`${prefix}${k}`, v]],
  );
}

// Every catalog on disk, found rather than listed, so a new area's folder is checked the day it
// is added: messages/{en,zh-CN}.json and messages/<area>/{en,zh-CN}.json.
const ROOT = path.resolve("server/i18n/messages");
const areas = [
  ".",
  ...readdirSync(ROOT, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name),
];
const catalogFile = (area: string, locale: Locale) => path.join(ROOT, area, `${locale}.json`);
const read = (area: string, locale: Locale) =>
  new Map(leaves(JSON.parse(readFileSync(catalogFile(area, locale), "utf8")) as object));

/** The arguments a message takes, by name, with a value of the kind each needs. */
function argsOf(ast: MessageFormatElement[], out: Record<string, unknown> = {}): Record<string, unknown> {
  for (const el of ast) {
    switch (el.type) {
      case TYPE.argument:
        out[el.value] ??= "x";
        break;
      case TYPE.number:
      case TYPE.plural:
        out[el.value] = 2;
        break;
      case TYPE.date:
      case TYPE.time:
        out[el.value] = new Date(0);
        break;
      case TYPE.select:
        out[el.value] ??= "other";
        break;
      case TYPE.tag:
        out[el.value] = (chunks: unknown) => chunks;
        argsOf(el.children, out);
        break;
    }
    if (el.type === TYPE.plural || el.type === TYPE.select)
      for (const o of Object.values(el.options)) argsOf(o.value, out);
  }
  return out;
}

describe("i18n catalogs", () => {
  it("finds the split catalogs", () => {
    expect(areas).toEqual(expect.arrayContaining([".", "admin", "reports"]));
  });

  it.each(areas)("%s: both languages have the same keys", (area) => {
    const [en, zh] = LOCALES.map((l) => [...read(area, l).keys()].sort());
    expect(zh).toEqual(en);
    expect(en?.length).toBeGreaterThan(0);
  });

  it.each(areas)("%s: every value is a non-empty string", (area) => {
    for (const locale of LOCALES)
      for (const [key, value] of read(area, locale)) {
        expect(typeof value, `${area}/${locale}: ${key}`).toBe("string");
        expect(String(value).trim(), `${area}/${locale}: ${key}`).not.toBe("");
      }
  });

  it.each(areas)("%s: every message parses, and both languages take the same arguments", (area) => {
    const byLocale = LOCALES.map((l) => read(area, l));
    for (const key of byLocale[0]?.keys() ?? []) {
      const names = byLocale.map((m, i) => {
        const where = `${area}/${LOCALES[i]}: ${key}`;
        let ast: MessageFormatElement[] = [];
        expect(() => {
          ast = parse(String(m.get(key)));
        }, where).not.toThrow();
        return Object.keys(argsOf(ast)).sort();
      });
      expect(names[1], `${area}: ${key} (zh-CN vs en)`).toEqual(names[0]);
    }
  });

  it.each(LOCALES)("%s: the assembled catalog holds every file's messages, none shadowed", (locale) => {
    const assembled = new Map(leaves(messagesFor(locale)));
    let total = 0;
    for (const area of areas)
      for (const [key, value] of read(area, locale)) {
        total++;
        expect(assembled.get(key), `${area}/${locale}: ${key}`).toBe(value);
      }
    // Top-level keys that clashed between files would leave fewer messages than the files hold.
    expect(assembled.size).toBe(total);
  });

  it.each(LOCALES)("%s: every message formats without an error", (locale) => {
    const errors: string[] = [];
    const t = createTranslator({
      locale,
      messages: messagesFor(locale),
      onError: (e) => errors.push(e.message),
    }) as unknown as (key: string, values?: Record<string, unknown>) => string;
    const fellBack: string[] = [];
    for (const [key, value] of leaves(messagesFor(locale))) {
      let values: Record<string, unknown> = {};
      try {
        values = argsOf(parse(String(value)));
      } catch {
        // The parse test names it; here next-intl reports it through onError.
      }
      if (t(key, values) === key) fellBack.push(key);
    }
    expect(errors).toEqual([]);
    expect(fellBack).toEqual([]);
  });
});

describe("i18n", () => {
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
