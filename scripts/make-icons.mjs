#!/usr/bin/env node
// Draws the tray icons into assets/: one per pipeline state, at 16 px and 32 px (@2x),
// plus black-only "Template" variants that macOS tints for light and dark menu bars; and the
// packaged app's icons into build/icons/ (PNG sizes for Linux, icon.icns for macOS and icon.ico
// for Windows, both made from the 1024 px drawing by png2icons).
// Shapes are signed-distance functions, 4x4 supersampled, so edges are anti-aliased.
import { mkdirSync, writeFileSync, copyFileSync } from 'node:fs';
import png2icons from 'png2icons';
import { deflateSync } from 'node:zlib';

const STATES = {
  healthy: { color: [31, 157, 85], mark: 'dot' },
  warning: { color: [224, 146, 0], mark: 'triangle' },
  down: { color: [217, 48, 37], mark: 'cross' },
  idle: { color: [138, 147, 158], mark: 'ring' },
};
const BARS = [60, 60, 60]; // dark grey stack bars

function crc32(buf) {
  let c, crc = 0xffffffff;
  for (let n = 0; n < buf.length; n++) {
    c = (crc ^ buf[n]) & 0xff;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    crc = (crc >>> 8) ^ c;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type), data]);
  const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
function png(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0); ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; ihdr[9] = 6; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

// Distance functions in a 16x16 design space (negative = inside).
const roundedBox = (x, y, cx, cy, hw, hh, r) => {
  const qx = Math.abs(x - cx) - hw + r, qy = Math.abs(y - cy) - hh + r;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
};
const circle = (x, y, cx, cy, r) => Math.hypot(x - cx, y - cy) - r;
const segment = (x, y, ax, ay, bx, by, r) => {
  const pax = x - ax, pay = y - ay, bax = bx - ax, bay = by - ay;
  const h = Math.max(0, Math.min(1, (pax * bax + pay * bay) / (bax * bax + bay * bay)));
  return Math.hypot(pax - bax * h, pay - bay * h) - r;
};
const triangle = (x, y, cx, cy, s) => {
  // Equilateral, pointing up, side ~ 2s.
  const px = Math.abs(x - cx), py = y - cy;
  return Math.max(px * 0.866 + py * 0.5 - s * 0.5, -py - s * 0.5);
};

// The glyph: three stacked bars (a trace stack), the lower right cut away for the status mark.
function layers(mark) {
  const bars = (x, y) => Math.min(
    roundedBox(x, y, 6.5, 3.5, 5, 1.4, 0.9),
    roundedBox(x, y, 6.5, 7.5, 5, 1.4, 0.9),
    roundedBox(x, y, 4.5, 11.5, 3, 1.4, 0.9),
  );
  const cx = 12, cy = 12;
  const markFn = {
    dot: (x, y) => circle(x, y, cx, cy, 3.4),
    triangle: (x, y) => triangle(x, y, cx, cy + 0.6, 4.2),
    cross: (x, y) => Math.min(segment(x, y, cx - 2.6, cy - 2.6, cx + 2.6, cy + 2.6, 1.05), segment(x, y, cx - 2.6, cy + 2.6, cx + 2.6, cy - 2.6, 1.05)),
    ring: (x, y) => Math.abs(circle(x, y, cx, cy, 2.8)) - 0.9,
  }[mark];
  const cutout = (x, y) => circle(x, y, cx, cy, 4.6);
  return { bars: (x, y) => Math.max(bars(x, y), -cutout(x, y)), mark: markFn };
}

function render(size, state, template) {
  const { color, mark } = STATES[state];
  const { bars, mark: markFn } = layers(mark);
  const out = Buffer.alloc(size * size * 4);
  const scale = 16 / size, ss = 4;
  for (let py = 0; py < size; py++) for (let px = 0; px < size; px++) {
    let aBars = 0, aMark = 0;
    for (let sy = 0; sy < ss; sy++) for (let sx = 0; sx < ss; sx++) {
      const x = (px + (sx + 0.5) / ss) * scale, y = (py + (sy + 0.5) / ss) * scale;
      if (markFn(x, y) <= 0) aMark++;
      else if (bars(x, y) <= 0) aBars++;
    }
    aBars /= ss * ss; aMark /= ss * ss;
    const a = aBars + aMark;
    const i = (py * size + px) * 4;
    if (a === 0) continue;
    const rgb = template ? [0, 0, 0] : [0, 1, 2].map((k) => (BARS[k] * aBars + color[k] * aMark) / a);
    out[i] = Math.round(rgb[0]); out[i + 1] = Math.round(rgb[1]); out[i + 2] = Math.round(rgb[2]);
    out[i + 3] = Math.round(Math.min(1, a) * 255);
  }
  return png(size, out);
}

/** The app icon: the healthy glyph on a rounded tile of the app's accent colour, so it reads on any desktop. */
function renderAppIcon(size) {
  const { bars, mark: markFn } = layers('dot');
  const TILE = [245, 197, 24];
  const out = Buffer.alloc(size * size * 4);
  // The glyph's 16-unit design space fills the middle 70 % of the tile.
  const tileScale = 16 / size, inset = 0.15, glyphScale = 16 / (size * (1 - 2 * inset)), ss = 4;
  for (let py = 0; py < size; py++) for (let px = 0; px < size; px++) {
    let aTile = 0, aBars = 0, aMark = 0;
    for (let sy = 0; sy < ss; sy++) for (let sx = 0; sx < ss; sx++) {
      const fx = px + (sx + 0.5) / ss, fy = py + (sy + 0.5) / ss;
      if (roundedBox(fx * tileScale, fy * tileScale, 8, 8, 7.4, 7.4, 3.2) > 0) continue;
      const x = (fx - size * inset) * glyphScale, y = (fy - size * inset) * glyphScale;
      if (markFn(x, y) <= 0) aMark++;
      else if (bars(x, y) <= 0) aBars++;
      else aTile++;
    }
    const n = ss * ss, a = (aTile + aBars + aMark) / n;
    if (a === 0) continue;
    const i = (py * size + px) * 4;
    for (let k = 0; k < 3; k++) out[i + k] = Math.round((TILE[k] * aTile + 34 * aBars + STATES.healthy.color[k] * aMark) / (aTile + aBars + aMark));
    out[i + 3] = Math.round(a * 255);
  }
  return png(size, out);
}

mkdirSync('build/icons', { recursive: true });
const PNG_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
const appIcons = Object.fromEntries(PNG_SIZES.map((size) => [size, renderAppIcon(size)]));
for (const size of PNG_SIZES) writeFileSync(`build/icons/${size}x${size}.png`, appIcons[size]);
writeFileSync('build/icon.png', appIcons[1024]);
const icns = png2icons.createICNS(appIcons[1024], png2icons.BICUBIC, 0);
const ico = png2icons.createICO(appIcons[256], png2icons.BICUBIC, 0, true, true);
if (!icns || !ico) throw new Error('png2icons could not convert the app icon');
writeFileSync('build/icon.icns', icns);
writeFileSync('build/icon.ico', ico);

mkdirSync('assets', { recursive: true });
for (const state of Object.keys(STATES)) {
  writeFileSync(`assets/tray-${state}.png`, render(16, state, false));
  writeFileSync(`assets/tray-${state}@2x.png`, render(32, state, false));
  writeFileSync(`assets/tray-${state}Template.png`, render(16, state, true));
  writeFileSync(`assets/tray-${state}Template@2x.png`, render(32, state, true));
}
writeFileSync('assets/icon.png', appIcons[256]);
mkdirSync('renderer/public', { recursive: true });
copyFileSync('assets/tray-healthy@2x.png', 'renderer/public/icon.png');
console.log('icons written to assets/ and build/ (icons/*.png, icon.icns, icon.ico)');
