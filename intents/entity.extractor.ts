import type { Entity } from "./nlu.js";
import { normaliseText } from "./text.normaliser.js";
import { detectCarriers, looksLikeWaybill } from "./waybill.patterns.js";

/**
 * Entity extraction on the normalised text. Normalisation preserves length, so the
 * offsets found here are offsets into the caller's original text.
 */

const TICKET_RE = /(?<![0-9a-z])(20\d{2}(?:0[1-9]|1[0-2])) ?- ?(\d{5})(?![0-9])/g;
// Runs of alphanumerics joined by single spaces/dashes: "sf 1438-8293 0157 6".
const REGION_RE = /\+?[a-z0-9]+(?:[ -]{1,2}\+?[a-z0-9]+)*/g;
const AMOUNT_RE = /(?:(¥|rmb|人民币) ?)?(\d+(?:\.\d{1,2})?) ?(块钱|元钱|块|元|rmb|yuan|kuai)?/g;
const CN_AMOUNT_RE = /([零一二两三四五六七八九十百千万]+)(块钱|元钱|块|元)/g;
const KNOWN_PREFIXES = new Set([
  "sf",
  "yt",
  "jt",
  "jd",
  "jdva",
  "jdvb",
  "jdvc",
  "jdv",
  "dpk",
  "va",
  "vb",
  "vc",
  "ea",
  "eb",
  "ec",
  "ee",
  "cp",
  "cn",
  "rr",
  "lk",
  "lp",
  "ra",
  "ry",
]);
// Context words meaning "this number is not a waybill".
const NON_WAYBILL_CONTEXT = /(订单|order|身份证|卡号|银行卡|qq|微信号|工号|id ?no)[号码:： #]*$/;

interface Group {
  text: string;
  start: number;
  end: number;
  letters: boolean;
  digits: boolean;
}

interface Piece {
  type: "waybill" | "phone";
  value: string;
  quality: number;
  start: number;
  end: number;
}

function evalPiece(groups: Group[], i: number, j: number, normText: string): Piece | undefined {
  const first = groups[i]!;
  const last = groups[j]!;
  let joined = "";
  for (let k = i; k <= j; k++) joined += groups[k]!.text;
  joined = joined.replace(/\+/g, "");
  if (joined.length < 8 || joined.length > 22) return undefined;
  const start = first.start;
  if (/^\d+$/.test(joined)) {
    const phone = /^(?:86)?(1[3-9]\d{9})$/.exec(joined);
    if (phone) return { type: "phone", value: phone[1]!, quality: 2, start, end: last.end };
    if (first.text.startsWith("+")) return undefined;
    if (joined.startsWith("0") || /^(?:400|800)\d{7}$/.test(joined)) return undefined;
    if (/^1\d{10}$/.test(joined)) return undefined; // phone-shaped, not a waybill
    // 10–16 digits; this cap also refuses an 18-digit ID card number (one ending in x is refused
    // by the lettered branch: no letters before its digits).
    if (joined.length > 16 || joined.length < 10) return undefined;
    if (/^(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:[0-2]\d|3[01])/.test(joined) && j > i) return undefined; // date + time
    const before = normText.slice(Math.max(0, first.start - 8), first.start);
    if (NON_WAYBILL_CONTEXT.test(before)) return undefined;
    const upper = joined.toUpperCase();
    const known = detectCarriers(upper).length > 0;
    if (!known && !looksLikeWaybill(upper)) return undefined;
    return { type: "waybill", value: upper, quality: known ? 2 : 1, start, end: last.end };
  }
  if (!/\d{6}/.test(joined)) return undefined;
  // A letters-only group may only join as a known prefix or a UPU country suffix.
  if (j > i && first.letters && !first.digits && !KNOWN_PREFIXES.has(first.text)) return undefined;
  if (j > i && last.letters && !last.digits && !/^[a-z]{2}$/.test(last.text)) return undefined;
  const upper = joined.toUpperCase();
  const known = detectCarriers(upper).length > 0;
  if (known) return { type: "waybill", value: upper, quality: 2, start, end: last.end };
  if (j === i && looksLikeWaybill(upper)) {
    const before = normText.slice(Math.max(0, first.start - 8), first.start);
    if (NON_WAYBILL_CONTEXT.test(before)) return undefined;
    return { type: "waybill", value: upper, quality: 1, start, end: last.end };
  }
  return undefined;
}

// Choose non-overlapping pieces: most quality, then most characters covered.
function segmentRegion(groups: Group[], normText: string): Piece[] {
  const n = groups.length;
  const best: { q: number; c: number; pieces: Piece[] }[] = new Array(n + 1);
  best[n] = { q: 0, c: 0, pieces: [] };
  for (let i = n - 1; i >= 0; i--) {
    let cur = { q: best[i + 1]!.q, c: best[i + 1]!.c, pieces: best[i + 1]!.pieces };
    for (let j = i; j < Math.min(n, i + 8); j++) {
      const p = evalPiece(groups, i, j, normText);
      if (!p) continue;
      const rest = best[j + 1]!;
      const q = rest.q + p.quality;
      const c = rest.c + (p.end - p.start);
      if (q > cur.q || (q === cur.q && c > cur.c)) cur = { q, c, pieces: [p, ...rest.pieces] };
    }
    best[i] = cur;
  }
  return best[0]!.pieces;
}

const CN_DIGITS: Record<string, number> = {
  零: 0,
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};
const CN_UNITS: Record<string, number> = { 十: 10, 百: 100, 千: 1000, 万: 10000 };

/**
 * A Chinese numeral as customers write amounts: 一千零五十 = 1050, 三百五十 = 350, and the
 * spoken short forms where a last digit right after 百/千/万 counts in the next lower place
 * (一万五 = 15000, 一千五 = 1500, 两百五 = 250; 一万零五 = 10005 keeps its 零).
 */
function chineseNumber(s: string): number | undefined {
  let total = 0;
  let section = 0;
  let digit = -1;
  /** The unit just before the current digit (0: none, or a 零 came between). */
  let unitBefore = 0;
  let lastUnit = 0;
  for (const ch of s) {
    const d = CN_DIGITS[ch];
    const u = CN_UNITS[ch];
    if (d !== undefined) {
      unitBefore = digit < 0 && d !== 0 ? lastUnit : 0;
      lastUnit = 0;
      digit = d;
    } else if (u === 10000) {
      section += Math.max(digit, 0);
      total += (section || 1) * u;
      section = 0;
      digit = -1;
      lastUnit = u;
    } else if (u !== undefined) {
      section += (digit < 0 ? 1 : digit) * u;
      digit = -1;
      lastUnit = u;
    } else return undefined;
  }
  if (digit >= 0) section += unitBefore >= 100 ? (digit * unitBefore) / 10 : digit;
  const v = total + section;
  return v > 0 ? v : undefined;
}

function formatAmount(v: string): string {
  const n = Number(v);
  return Number.isFinite(n) ? String(n) : v;
}

/** Extract waybill, phone, ticket_number and amount entities; offsets refer to `text`. */
export function extractEntities(text: string): Entity[] {
  if (typeof text !== "string" || text.length === 0) return [];
  return extractFromNormalised(normaliseText(text));
}

export function extractFromNormalised(norm: string): Entity[] {
  const out: Entity[] = [];
  let work = norm;
  const blank = (s: number, e: number): void => {
    work = work.slice(0, s) + " ".repeat(e - s) + work.slice(e);
  };

  for (const m of norm.matchAll(TICKET_RE)) {
    const s = m.index;
    out.push({ type: "ticket_number", value: `${m[1]}-${m[2]}`, start: s, end: s + m[0].length });
    blank(s, s + m[0].length);
  }

  const numeric = work;
  for (const m of numeric.matchAll(REGION_RE)) {
    const base = m.index;
    const groups: Group[] = [];
    for (const g of m[0].matchAll(/\+?[a-z0-9]+/g)) {
      // Two waybills pasted without a space ("SF…576SF…590"): a new group starts where letters
      // followed by digits come right after a digit. A letter suffix (UPU "…CN") stays attached.
      let offset = base + g.index;
      for (const t of g[0].split(/(?<=\d)(?=[a-z]+\d)/)) {
        groups.push({
          text: t,
          start: offset,
          end: offset + t.length,
          letters: /[a-z]/.test(t),
          digits: /\d/.test(t),
        });
        offset += t.length;
      }
    }
    if (!groups.some((g) => g.digits)) continue;
    for (const p of segmentRegion(groups, norm)) {
      if (p.type === "phone") out.push({ type: "phone", value: p.value, start: p.start, end: p.end });
      else {
        const carriers = detectCarriers(p.value);
        const e: Entity = { type: "waybill", value: p.value, start: p.start, end: p.end };
        if (carriers.length > 0) {
          e.carrier = carriers[0]!;
          e.carriers = carriers;
        }
        out.push(e);
      }
      blank(p.start, p.end);
    }
  }

  for (const m of work.matchAll(AMOUNT_RE)) {
    const [all, cur, num, unit] = m;
    if (!num || (!cur && !unit)) continue;
    const s = m.index;
    // Skip digits glued to letters/digits on the left (part of another token).
    if (s > 0 && /[a-z0-9.]/.test(work[s - 1] ?? "")) continue;
    if (unit === "yuan" || unit === "rmb" || unit === "kuai") {
      const next = work[s + all.length] ?? "";
      if (/[a-z]/.test(next)) continue;
    }
    out.push({ type: "amount", value: formatAmount(num), start: s, end: s + all.trimEnd().length });
  }
  for (const m of work.matchAll(CN_AMOUNT_RE)) {
    const v = chineseNumber(m[1]!);
    if (v === undefined) continue;
    out.push({ type: "amount", value: String(v), start: m.index, end: m.index + m[0].length });
  }
  out.sort((a, b) => a.start - b.start);
  return out;
}
