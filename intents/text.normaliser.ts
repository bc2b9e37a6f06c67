import { Converter } from "opencc-js/t2cn";

/**
 * Length-preserving normalisation: every UTF-16 unit of the input maps to exactly one
 * unit of the output, so entity offsets found on the normalised text are offsets into
 * the original text too (the UI highlights the original).
 */

let charMap: Map<number, number> | undefined;

// Built once from OpenCC: convert every CJK code point separately (newline-separated
// so phrase rules cannot fire across characters) and keep 1:1 single-unit results.
function buildCharMap(): Map<number, number> {
  const map = new Map<number, number>();
  const convert = Converter({ from: "tw", to: "cn" });
  const convertHk = Converter({ from: "hk", to: "cn" });
  const chars: string[] = [];
  for (let cp = 0x3400; cp <= 0x4dbf; cp++) chars.push(String.fromCharCode(cp));
  for (let cp = 0x4e00; cp <= 0x9fff; cp++) chars.push(String.fromCharCode(cp));
  for (const conv of [convertHk, convert]) {
    const out = conv(chars.join("\n")).split("\n");
    if (out.length !== chars.length) continue;
    for (let i = 0; i < chars.length; i++) {
      const src = chars[i]!;
      const dst = out[i]!;
      if (dst.length === 1 && dst !== src) map.set(src.charCodeAt(0), dst.charCodeAt(0));
    }
  }
  // OpenCC's tw/hk→cn tables turn 么 into 幺 (and 麼 with it), which broke every rule that
  // looks for 什么/怎么 in normalised text: keep 么, and send 麼 to it.
  map.delete(0x4e48); // 么
  map.set(0x9ebc, 0x4e48); // 麼 → 么
  return map;
}

function getCharMap(): Map<number, number> {
  charMap ??= buildCharMap();
  return charMap;
}

/** Warm the traditional→simplified table (done at model load, not on first parse). */
export function warmNormaliser(): void {
  getCharMap();
}

/** The traditional→simplified table as [from, to, from, to, …] UTF-16 units (for the model cache). */
export function exportCharMap(): Uint16Array {
  const map = getCharMap();
  const out = new Uint16Array(map.size * 2);
  let k = 0;
  for (const [from, to] of map) {
    out[k++] = from;
    out[k++] = to;
  }
  return out;
}

/**
 * Install a table previously produced by `exportCharMap()` (same opencc-js version: the cache
 * key covers it), skipping the ~0.1–0.2 s OpenCC conversion. Ignored if a table is already built.
 */
export function installCharMap(pairs: Uint16Array): void {
  if (charMap || pairs.length % 2 !== 0) return;
  const map = new Map<number, number>();
  for (let k = 0; k < pairs.length; k += 2) map.set(pairs[k]!, pairs[k + 1]!);
  charMap = map;
}

const PUNCT: Record<number, string> = {
  12290: ".", // 。
  65377: ".",
  12289: ",", // 、
  12300: '"',
  12301: '"',
  12302: '"',
  12303: '"',
  12304: "[",
  12305: "]",
  12298: "<",
  12299: ">",
  8216: "'",
  8217: "'",
  8220: '"',
  8221: '"',
  8208: "-",
  8209: "-",
  8210: "-",
  8211: "-",
  8212: "-",
  8213: "-",
  8722: "-",
  12540: "-",
  8230: ".", // …
  183: " ",
  12539: " ",
  65509: "¥",
  165: "¥",
};

/**
 * Simplified Chinese, half-width, lower-case ASCII, control and zero-width characters
 * as spaces. Output has exactly the same length as the input.
 */
/**
 * Traditional Chinese characters written as simplified, one character for one (nothing else
 * changes: case, punctuation and spacing stay as typed). The bot's flows read answers with
 * simplified patterns (没有单号, 确认, 取消); a customer writing 沒有單號 was asked for the waybill
 * again and again.
 */
export function toSimplifiedScript(text: string): string {
  const map = getCharMap();
  let out = "";
  let changed = false;
  for (let i = 0; i < text.length; i++) {
    const to = map.get(text.charCodeAt(i));
    if (to === undefined) out += text[i];
    else {
      out += String.fromCharCode(to);
      changed = true;
    }
  }
  return changed ? out : text;
}

let simplifiedOnly: Set<number> | undefined;

/**
 * Whether the text holds a character written only in simplified script (谢, 单, 号…: the target
 * of a traditional→simplified mapping that is not itself traditional). "好的" holds none: it is
 * the same in both scripts.
 */
export function hasSimplifiedOnly(text: string): boolean {
  if (!simplifiedOnly) {
    const map = getCharMap();
    simplifiedOnly = new Set([...map.values()].filter((c) => !map.has(c)));
  }
  for (let i = 0; i < text.length; i++) if (simplifiedOnly.has(text.charCodeAt(i))) return true;
  return false;
}

export function normaliseText(text: string): string {
  const map = getCharMap();
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) out += String.fromCharCode(c + 32);
    else if (c < 0x80) out += c < 0x20 || c === 0x7f ? " " : text[i];
    else if (c >= 0xff01 && c <= 0xff5e) {
      const h = c - 0xfee0;
      out += String.fromCharCode(h >= 0x41 && h <= 0x5a ? h + 32 : h);
    } else if (
      c === 0x3000 ||
      (c >= 0x80 && c <= 0x9f) ||
      c === 0xa0 ||
      (c >= 0x2000 && c <= 0x200f) ||
      c === 0x2028 ||
      c === 0x2029 ||
      c === 0x202f ||
      c === 0xfeff ||
      c === 0x2060
    ) {
      out += " ";
    } else {
      const p = PUNCT[c];
      if (p !== undefined) out += p;
      else {
        const m = map.get(c);
        out += m === undefined ? text[i] : String.fromCharCode(m);
      }
    }
  }
  return out;
}
