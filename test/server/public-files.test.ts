import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

// What a phone needs to add Kairos to its home screen (served by the app: test/e2e/access.test.ts).
const pub = (p: string) => path.resolve("public", p.replace(/^\//, ""));

/** Width and height from a PNG's IHDR chunk. */
function pngSize(file: string) {
  const b = readFileSync(file);
  expect(b.subarray(0, 8).toString("hex"), file).toBe("89504e470d0a1a0a");
  return `${b.readUInt32BE(16)}x${b.readUInt32BE(20)}`;
}

type Manifest = {
  name: string;
  short_name: string;
  start_url: string;
  display: string;
  icons: { src: string; sizes: string; type: string; purpose?: string }[];
};

describe("public/", () => {
  it("has a web app manifest naming Kairos and icons that exist at the sizes it declares", () => {
    const m = JSON.parse(readFileSync(pub("manifest.webmanifest"), "utf8")) as Manifest;
    expect(m).toMatchObject({ name: "Kairos", short_name: "Kairos", start_url: "/", display: "standalone" });
    for (const icon of m.icons) {
      expect(icon.type).toBe("image/png");
      expect(pngSize(pub(icon.src)), icon.src).toBe(icon.sizes);
    }
    const sizes = (purpose: string) =>
      m.icons.filter((i) => (i.purpose ?? "any") === purpose).map((i) => i.sizes);
    expect(sizes("any")).toEqual(expect.arrayContaining(["192x192", "512x512"]));
    expect(sizes("maskable")).toContain("512x512");
  });

  it("has an apple-touch-icon, an SVG icon and a favicon.ico", () => {
    expect(pngSize(pub("apple-touch-icon.png"))).toBe("180x180");
    expect(readFileSync(pub("icon.svg"), "utf8")).toMatch(/^<svg [^>]*viewBox="0 0 512 512"/);
    const ico = readFileSync(pub("favicon.ico"));
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2)]).toEqual([0, 1]);
    expect(ico.readUInt16LE(4)).toBeGreaterThan(0);
  });

  it("is linked from the root layout, and the proxy lets those files through", () => {
    const layout = readFileSync(path.resolve("app/layout.tsx"), "utf8");
    const proxy = readFileSync(path.resolve("proxy.ts"), "utf8");
    const linked = [...layout.matchAll(/url: "([^"]+)"|manifest: "([^"]+)"/g)].map((m) => m[1] ?? m[2] ?? "");
    expect(linked).toEqual(
      expect.arrayContaining(["/manifest.webmanifest", "/favicon.ico", "/icon.svg", "/apple-touch-icon.png"]),
    );
    for (const url of linked) {
      expect(existsSync(pub(url)), url).toBe(true);
      expect(proxy, `${url} passes the proxy`).toContain(`|${url.slice(1)}|`);
    }
    expect(proxy).toContain("|icons/|");
  });
});
