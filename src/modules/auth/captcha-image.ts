// A captcha drawn here, pixel by pixel, as a grayscale PNG: digits from hand-made strokes, each
// scaled, sheared and turned at random, crossed by noise lines and warped as a whole. A raster and
// not SVG, so the answer is not sitting in the markup as shapes a script could match.
import { deflateSync } from 'node:zlib';

const WIDTH = 180;
const HEIGHT = 64;

type Point = [number, number];

const ring = (n: number): Point[] => Array.from({ length: n + 1 }, (_, i) => [0.5 + 0.42 * Math.sin((2 * Math.PI * i) / n), 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n)]);

// Each digit as strokes on a unit box, x to the right, y down.
const glyphs: Record<string, Point[][]> = {
  '0': [ring(16)],
  '1': [[[0.25, 0.25], [0.55, 0], [0.55, 1]]],
  '2': [[[0.1, 0.25], [0.3, 0], [0.7, 0], [0.9, 0.25], [0.85, 0.45], [0.1, 1], [0.95, 1]]],
  '3': [[[0.1, 0.1], [0.5, 0], [0.85, 0.15], [0.85, 0.35], [0.45, 0.5], [0.9, 0.65], [0.9, 0.9], [0.5, 1], [0.1, 0.9]]],
  '4': [[[0.7, 1], [0.7, 0], [0.05, 0.7], [0.95, 0.7]]],
  '5': [[[0.9, 0], [0.15, 0], [0.1, 0.45], [0.5, 0.38], [0.9, 0.55], [0.9, 0.85], [0.5, 1], [0.1, 0.9]]],
  '6': [[[0.85, 0.05], [0.45, 0], [0.15, 0.3], [0.1, 0.7], [0.35, 1], [0.75, 1], [0.9, 0.75], [0.75, 0.5], [0.35, 0.5], [0.12, 0.65]]],
  '7': [[[0.05, 0], [0.95, 0], [0.4, 1]]],
  '8': [[[0.5, 0.5], [0.15, 0.3], [0.25, 0.05], [0.5, 0], [0.75, 0.05], [0.85, 0.3], [0.5, 0.5], [0.1, 0.72], [0.25, 0.97], [0.5, 1], [0.75, 0.97], [0.9, 0.72], [0.5, 0.5]]],
  '9': [[[0.88, 0.35], [0.65, 0.5], [0.25, 0.5], [0.1, 0.25], [0.3, 0], [0.7, 0], [0.9, 0.25], [0.88, 0.6], [0.6, 1], [0.15, 0.95]]],
};

const between = (lo: number, hi: number) => lo + Math.random() * (hi - lo);

function stamp(px: Uint8Array, x: number, y: number, radius: number, ink: number) {
  const r2 = radius * radius;
  for (let yy = Math.floor(y - radius); yy <= Math.ceil(y + radius); yy++) {
    if (yy < 0 || yy >= HEIGHT) continue;
    for (let xx = Math.floor(x - radius); xx <= Math.ceil(x + radius); xx++) {
      if (xx < 0 || xx >= WIDTH) continue;
      if ((xx - x) ** 2 + (yy - y) ** 2 <= r2) px[yy * WIDTH + xx] = Math.min(px[yy * WIDTH + xx], ink);
    }
  }
}

function strokeLine(px: Uint8Array, points: Point[], radius: number, ink: number) {
  for (let i = 1; i < points.length; i++) {
    const [x0, y0] = points[i - 1];
    const [x1, y1] = points[i];
    const steps = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0) * 2));
    for (let s = 0; s <= steps; s++) stamp(px, x0 + ((x1 - x0) * s) / steps, y0 + ((y1 - y0) * s) / steps, radius, ink);
  }
}

function drawDigit(px: Uint8Array, digit: string, left: number) {
  const w = between(18, 24);
  const h = between(34, 42);
  const top = between(6, HEIGHT - h - 6);
  const angle = between(-0.35, 0.35);
  const shear = between(-0.3, 0.3);
  const [cx, cy] = [left + w / 2, top + h / 2];
  const radius = between(1.4, 2.1);
  for (const stroke of glyphs[digit]) {
    const pts = stroke.map(([u, v]): Point => {
      const x = (u - 0.5) * w + shear * (v - 0.5) * h + between(-1.2, 1.2);
      const y = (v - 0.5) * h + between(-1.2, 1.2);
      return [cx + x * Math.cos(angle) - y * Math.sin(angle), cy + x * Math.sin(angle) + y * Math.cos(angle)];
    });
    strokeLine(px, pts, radius, Math.round(between(0, 60)));
  }
}

function addNoise(px: Uint8Array) {
  for (let n = 0; n < 3; n++) {
    const [a, f, p, y0] = [between(4, 14), between(0.02, 0.08), between(0, 6.3), between(15, HEIGHT - 15)];
    const pts: Point[] = [];
    for (let x = 0; x <= WIDTH; x += 4) pts.push([x, y0 + a * Math.sin(f * x + p)]);
    strokeLine(px, pts, between(0.5, 0.9), Math.round(between(50, 120)));
  }
  for (let n = 0; n < 350; n++) stamp(px, between(0, WIDTH), between(0, HEIGHT), between(0.4, 1.1), Math.round(between(60, 180)));
}

function warp(src: Uint8Array): Uint8Array {
  const out = new Uint8Array(src.length).fill(255);
  const [ax, ay, fx, fy, px, py] = [between(1.5, 3), between(1.5, 3), between(0.08, 0.15), between(0.04, 0.09), between(0, 6.3), between(0, 6.3)];
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      const sx = Math.round(x + ax * Math.sin(fy * y + px));
      const sy = Math.round(y + ay * Math.sin(fx * x + py));
      if (sx >= 0 && sx < WIDTH && sy >= 0 && sy < HEIGHT) out[y * WIDTH + x] = src[sy * WIDTH + sx];
    }
  }
  return out;
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

function encodePng(px: Uint8Array): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(WIDTH, 0);
  header.writeUInt32BE(HEIGHT, 4);
  header.set([8, 0, 0, 0, 0], 8); // 8-bit grayscale, no interlace
  const raw = Buffer.alloc((WIDTH + 1) * HEIGHT);
  for (let y = 0; y < HEIGHT; y++) raw.set(px.subarray(y * WIDTH, (y + 1) * WIDTH), y * (WIDTH + 1) + 1);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** The digits of `answer` drawn as a PNG image. */
export function drawCaptcha(answer: string): Buffer {
  const px = new Uint8Array(WIDTH * HEIGHT);
  for (let i = 0; i < px.length; i++) px[i] = 225 + Math.floor(Math.random() * 30);
  const pitch = (WIDTH - 20) / answer.length;
  [...answer].forEach((d, i) => drawDigit(px, d, 10 + i * pitch + between(0, pitch - 26)));
  addNoise(px);
  return encodePng(warp(px));
}
