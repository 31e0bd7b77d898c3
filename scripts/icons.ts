/**
 * Draws the app icons in public/ from one picture (an indigo clock): the SVG favicon, a
 * favicon.ico for browsers that want one, the PNGs the web app manifest names, and the
 * apple-touch-icon. Run after changing the picture: `node scripts/icons.ts` (the PNGs are
 * committed, so nothing runs at build time). sharp comes with Next (image optimisation).
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import sharp from "sharp";

const OUT = path.resolve("public");
const INDIGO = "#4f46e5";

// 512×512. The clock stays inside the central 80% circle, the safe zone of a maskable icon, so
// one drawing serves rounded icons and the full-bleed ones that phones crop to their own shape.
const clock = `
  <circle cx="256" cy="256" r="150" fill="none" stroke="#fff" stroke-width="36"/>
  <path d="M256 256V158M256 256l70 44" fill="none" stroke="#fff" stroke-width="36" stroke-linecap="round"/>`;
const rounded = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512"><rect width="512" height="512" rx="112" fill="${INDIGO}"/>${clock}</svg>\n`;
const fullBleed = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512"><rect width="512" height="512" fill="${INDIGO}"/>${clock}</svg>\n`;

const png = (svg: string, size: number) =>
  sharp(Buffer.from(svg), { density: 72 * (size / 512) * 4 })
    .resize(size, size)
    .png({ compressionLevel: 9 })
    .toBuffer();

/** An ICO holding PNG images (every browser since IE Vista-era reads PNG entries). */
function ico(images: { size: number; data: Buffer }[]): Buffer {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(images.length, 4);
  let offset = 6 + 16 * images.length;
  const entries = images.map(({ size, data }) => {
    const e = Buffer.alloc(16);
    e.writeUInt8(size >= 256 ? 0 : size, 0);
    e.writeUInt8(size >= 256 ? 0 : size, 1);
    e.writeUInt16LE(1, 4); // colour planes
    e.writeUInt16LE(32, 6); // bits per pixel
    e.writeUInt32LE(data.length, 8);
    e.writeUInt32LE(offset, 12);
    offset += data.length;
    return e;
  });
  return Buffer.concat([header, ...entries, ...images.map((i) => i.data)]);
}

writeFileSync(path.join(OUT, "icon.svg"), rounded);
writeFileSync(path.join(OUT, "icons/icon-192.png"), await png(rounded, 192));
writeFileSync(path.join(OUT, "icons/icon-512.png"), await png(rounded, 512));
writeFileSync(path.join(OUT, "icons/maskable-512.png"), await png(fullBleed, 512));
// iOS rounds the corners itself and shows transparency as black: full bleed.
writeFileSync(path.join(OUT, "apple-touch-icon.png"), await png(fullBleed, 180));
writeFileSync(
  path.join(OUT, "favicon.ico"),
  ico(await Promise.all([16, 32, 48].map(async (size) => ({ size, data: await png(rounded, size) })))),
);
