import sharp from "sharp";
// mulberry32, as training uses: the same set on every run.
import { rng } from "../../intents/linear.classifier.js";
import { prepareImage } from "./image.inspect.js";
import { PaddleTextReader, type TextReader, waybillsInText } from "./ocr.js";

/**
 * `npm run ocr -- eval` (issue 17): a generated set of shipping labels and tracking-page
 * screenshots with known numbers, drawn offline (SVG rendered by sharp/librsvg with the machine's
 * fonts; every other label in Chinese, which needs a CJK font such as Debian's fonts-noto-cjk), rotated, blurred and JPEG-compressed like phone photos; read back through the same
 * path a customer's image takes (prepareImage → OCR → the intent engine's waybill extractor).
 * Prints the exact-match rate (all of an image's numbers and nothing else), false numbers (read
 * but not on the image), and time per image.
 */

export interface EvalImage {
  name: string;
  bytes: Buffer;
  truth: string[];
  /** Blur and compression a person would still read without effort. */
  legible: boolean;
}

const digits = (r: () => number, n: number) => Array.from({ length: n }, () => Math.floor(r() * 10)).join("");

/** A random number in one carrier's format (intents/waybill.patterns.ts), with the carrier's name. */
function randomWaybill(r: () => number): { carrier: string; number: string } {
  const pick = Math.floor(r() * 6);
  switch (pick) {
    case 0:
      return { carrier: "SF EXPRESS", number: `SF${1 + Math.floor(r() * 9)}${digits(r, 11)}` };
    case 1:
      return { carrier: "YTO EXPRESS", number: `YT${1 + Math.floor(r() * 9)}${digits(r, 12)}` };
    case 2:
      return { carrier: "J&T EXPRESS", number: `JT${1 + Math.floor(r() * 9)}${digits(r, 12)}` };
    case 3:
      return { carrier: "ZTO EXPRESS", number: `7${digits(r, 13)}` };
    case 4:
      return { carrier: "STO EXPRESS", number: `77${digits(r, 13)}` };
    default:
      return { carrier: "YUNDA EXPRESS", number: `43${digits(r, 13)}` };
  }
}

/** The carriers' Chinese names, as their labels print them. */
const CARRIER_ZH: Record<string, string> = {
  "SF EXPRESS": "顺丰速运",
  "YTO EXPRESS": "圆通速递",
  "J&T EXPRESS": "极兔速递",
  "ZTO EXPRESS": "中通快递",
  "STO EXPRESS": "申通快递",
  "YUNDA EXPRESS": "韵达快递",
};
/** Chinese text: a CJK font the machine has (fontconfig falls back to any that has the glyphs). */
const CJK = "Noto Sans CJK SC, WenQuanYi Micro Hei, sans-serif";

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function text(x: number, y: number, s: string, size: number, weight = "normal", family = "DejaVu Sans"): string {
  return `<text x="${x}" y="${y}" font-family="${family}" font-size="${size}" font-weight="${weight}" fill="#151515">${esc(s)}</text>`;
}

/** Bars of random widths: a barcode's look (not decoded; the number is printed under it). */
function barcode(r: () => number, x: number, y: number, w: number, h: number): string {
  let out = "";
  for (let cx = x; cx < x + w; ) {
    const bw = 1 + Math.floor(r() * 4);
    if (r() > 0.45) out += `<rect x="${cx}" y="${y}" width="${bw}" height="${h}" fill="#000"/>`;
    cx += bw;
  }
  return out;
}

function phone(r: () => number): string {
  return `1${3 + Math.floor(r() * 7)}${digits(r, 9)}`;
}

/** A thermal shipping label: carrier, barcode, the number (plain or grouped), sender and receiver. */
function labelSvg(r: () => number, wb: { carrier: string; number: string }, grouped: boolean): string {
  const shown = grouped ? wb.number.replace(/(.{4})(?=.)/g, "$1 ") : wb.number;
  const masked = (p: string) => `${p.slice(0, 3)}****${p.slice(7)}`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="720" height="520">
    <rect width="720" height="520" fill="#fbfaf5"/>
    <rect x="16" y="16" width="688" height="488" fill="none" stroke="#222" stroke-width="3"/>
    ${text(36, 64, wb.carrier, 34, "bold")}
    ${text(470, 64, "STANDARD", 22)}
    ${barcode(r, 60, 96, 600, 90)}
    ${text(120, 226, `No. ${shown}`, 30, "bold", "DejaVu Sans Mono")}
    <line x1="16" y1="250" x2="704" y2="250" stroke="#222" stroke-width="2"/>
    ${text(36, 292, `TO: WANG LEI  ${masked(phone(r))}`, 22)}
    ${text(36, 326, "SHANGHAI PUDONG ZHANGJIANG RD 88", 20)}
    ${text(36, 376, `FROM: LI NA  ${masked(phone(r))}`, 22)}
    ${text(36, 410, "GUANGZHOU TIANHE TIYU W RD 12", 20)}
    ${text(36, 470, `WEIGHT ${(r() * 5 + 0.2).toFixed(1)} KG   ${digits(r, 2)}/${digits(r, 2)}`, 20)}
  </svg>`;
}

/**
 * The same label as Chinese carriers print it: 运单号, 收/寄 with masked phones, addresses and
 * weight in Chinese beside the digits (what customers in China photograph).
 */
function labelSvgZh(r: () => number, wb: { carrier: string; number: string }, grouped: boolean): string {
  const shown = grouped ? wb.number.replace(/(.{4})(?=.)/g, "$1 ") : wb.number;
  const masked = (p: string) => `${p.slice(0, 3)}****${p.slice(7)}`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="720" height="520">
    <rect width="720" height="520" fill="#fbfaf5"/>
    <rect x="16" y="16" width="688" height="488" fill="none" stroke="#222" stroke-width="3"/>
    ${text(36, 64, CARRIER_ZH[wb.carrier] ?? wb.carrier, 34, "bold", CJK)}
    ${text(500, 64, "标准快递", 22, "normal", CJK)}
    ${barcode(r, 60, 96, 600, 90)}
    ${text(60, 226, "运单号", 26, "bold", CJK)}${text(160, 226, shown, 30, "bold", "DejaVu Sans Mono")}
    <line x1="16" y1="250" x2="704" y2="250" stroke="#222" stroke-width="2"/>
    ${text(36, 292, `收 王磊  ${masked(phone(r))}`, 22, "normal", CJK)}
    ${text(36, 326, "上海市浦东新区张江路88号", 20, "normal", CJK)}
    ${text(36, 376, `寄 李娜  ${masked(phone(r))}`, 22, "normal", CJK)}
    ${text(36, 410, "广州市天河区体育西路12号", 20, "normal", CJK)}
    ${text(36, 470, `重量 ${(r() * 5 + 0.2).toFixed(1)}kg   件数 1/${1 + Math.floor(r() * 3)}   已验视`, 20, "normal", CJK)}
  </svg>`;
}

/** A tracking page screenshot: status lines, the number with a copy button, a phone number. */
function screenshotSvg(r: () => number, wbs: { carrier: string; number: string }[]): string {
  const rows = wbs
    .map(
      (wb, i) =>
        `${text(40, 170 + i * 150, wb.carrier, 28, "bold")}${text(40, 214 + i * 150, `Tracking No: ${wb.number}`, 26, "normal", "DejaVu Sans Mono")}<rect x="560" y="190" width="100" height="34" rx="8" fill="#eee"/>${text(584, 214 + i * 150, "COPY", 18)}${text(40, 254 + i * 150, "In transit - arrived at Hangzhou hub", 22)}`,
    )
    .join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="720" height="${260 + wbs.length * 150}">
    <rect width="100%" height="100%" fill="#ffffff"/>
    <rect width="720" height="90" fill="#f3f3f3"/>
    ${text(40, 58, "My Parcels", 30, "bold")}${text(520, 58, `${10 + Math.floor(r() * 12)}:${digits(r, 2).replace(/^[6-9]/, "5")}`, 24)}
    ${rows}
    ${text(40, 220 + wbs.length * 150, `Courier: ${phone(r)}`, 22)}
  </svg>`;
}

/** The evaluation set: `count` images, deterministic for a seed. */
export async function generateSet(count = 60, seed = 17): Promise<EvalImage[]> {
  const r = rng(seed);
  const out: EvalImage[] = [];
  for (let i = 0; i < count; i++) {
    const screenshot = i % 3 === 2;
    const wbs = screenshot && r() < 0.4 ? [randomWaybill(r), randomWaybill(r)] : [randomWaybill(r)];
    // Every other label in Chinese (by position, so the random sequence of the rest is unchanged).
    const zh = !screenshot && i % 2 === 0;
    const svg = screenshot ? screenshotSvg(r, wbs) : (zh ? labelSvgZh : labelSvg)(r, wbs[0]!, r() < 0.3);
    const angle = screenshot ? 0 : Math.round((r() * 30 - 15) * 10) / 10;
    const blur = screenshot ? 0 : Math.round(r() * 16) / 10; // 0–1.6 px sigma
    const quality = 35 + Math.floor(r() * 50);
    let img = sharp(Buffer.from(svg)).rotate(angle, { background: "#8a8578" });
    // A phone photo: light falls off, the label sits on a table.
    img = img.modulate({ brightness: 0.85 + r() * 0.3 }).flatten({ background: "#8a8578" });
    if (blur >= 0.3) img = img.blur(blur);
    const bytes = await img.jpeg({ quality }).toBuffer();
    out.push({
      name: `${screenshot ? "screenshot" : zh ? "label-zh" : "label"}-${String(i).padStart(2, "0")} rot=${angle} blur=${blur} q=${quality}`,
      bytes,
      truth: wbs.map((w) => w.number),
      legible: blur <= 1.2,
    });
  }
  return out;
}

export interface EvalResult {
  images: number;
  legible: number;
  exactLegible: number;
  exactAll: number;
  falseNumbers: number;
  p50Ms: number;
  p99Ms: number;
  modelLoadMs: number;
  failures: string[];
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export async function runEval(set: EvalImage[], given?: TextReader): Promise<EvalResult> {
  const reader = given ?? new PaddleTextReader();
  try {
    return await evaluate(set, reader);
  } finally {
    if (!given) await reader.close?.();
  }
}

async function evaluate(set: EvalImage[], reader: TextReader): Promise<EvalResult> {
  const loadStart = performance.now();
  if (reader instanceof PaddleTextReader) await reader.warm();
  const modelLoadMs = performance.now() - loadStart;
  const times: number[] = [];
  let exactLegible = 0;
  let exactAll = 0;
  let falseNumbers = 0;
  const failures: string[] = [];
  for (const img of set) {
    const started = performance.now();
    const prepared = await prepareImage(img.bytes);
    const found = waybillsInText(await reader.read(prepared.data));
    times.push(performance.now() - started);
    const exact = found.length === img.truth.length && img.truth.every((t) => found.includes(t));
    const wrong = found.filter((f) => !img.truth.includes(f));
    falseNumbers += wrong.length;
    if (exact) exactAll++;
    if (exact && img.legible) exactLegible++;
    if (!exact) failures.push(`${img.name}: expected ${img.truth.join(",")} got ${found.join(",") || "(none)"}`);
  }
  times.sort((a, b) => a - b);
  return {
    images: set.length,
    legible: set.filter((s) => s.legible).length,
    exactLegible,
    exactAll,
    falseNumbers,
    p50Ms: percentile(times, 50),
    p99Ms: percentile(times, 99),
    modelLoadMs,
    failures,
  };
}
