#!/usr/bin/env node
// Draws the tray icons into assets/: one per pipeline state, at 16 px and 32 px (@2x),
// plus black-only "Template" variants that macOS tints for light and dark menu bars.
// Shapes are signed-distance functions, 4x4 supersampled, so edges are anti-aliased.
import { mkdirSync, writeFileSync, copyFileSync } from 'node:fs';
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

mkdirSync('assets', { recursive: true });
for (const state of Object.keys(STATES)) {
  writeFileSync(`assets/tray-${state}.png`, render(16, state, false));
  writeFileSync(`assets/tray-${state}@2x.png`, render(32, state, false));
  writeFileSync(`assets/tray-${state}Template.png`, render(16, state, true));
  writeFileSync(`assets/tray-${state}Template@2x.png`, render(32, state, true));
}
writeFileSync('assets/icon.png', render(256, 'healthy', false));
mkdirSync('renderer/public', { recursive: true });
copyFileSync('assets/tray-healthy@2x.png', 'renderer/public/icon.png');
console.log('icons written to assets/');
