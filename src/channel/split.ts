/**
 * Splitting a long text into the parts a channel can carry, shared by every adapter (SMS
 * parts, WeChat customer-service messages of at most 2,048 bytes). A part never ends inside a
 * grapheme (🇨🇳, a ZWJ family emoji, a letter with its combining marks stay whole: Intl.Segmenter),
 * prefers a natural break in its second half, and nothing is dropped: the parts joined are the
 * text (up to whitespace at the cuts).
 */
const graphemeSegmenter = new Intl.Segmenter("zh-CN", { granularity: "grapheme" });

export function graphemes(text: string): string[] {
  return Array.from(graphemeSegmenter.segment(text), (s) => s.segment);
}

/** Characters as SMS gateways count them (UTF-16 code units: an emoji counts two). */
export const utf16Units = (s: string): number => s.length;
/** Bytes as WeChat's customer-service API counts them. */
export const utf8Bytes = (s: string): number => Buffer.byteLength(s, "utf8");

export interface SplitOptions {
  /** The most one part may measure, number prefix included. */
  max: number;
  measure?: (s: string) => number;
  /** Prefix "(i/n)" when there are several parts (separate messages the customer reads in turn). */
  numbered?: boolean;
}

/** Break after these, best first; a later class is tried only when an earlier one has no break in reach. */
const BREAK_CLASSES = [
  new Set(["\n"]),
  new Set(["。", "！", "？", "!", "?"]),
  new Set(["；", ";"]),
  new Set(["，", ","]),
];
const isSpace = (g: string) => /^\s+$/u.test(g);

export function splitText(text: string, { max, measure = utf16Units, numbered = false }: SplitOptions): string[] {
  const clean = text.replace(/\n{2,}/g, "\n").trim();
  if (measure(clean) <= max) return [clean];
  const gs = graphemes(clean);
  const sizes = gs.map(measure);
  if (!numbered) return cut(gs, sizes, max);
  // The "(i/n)" prefix costs room, which can change n: settle n first.
  let n = 2;
  for (;;) {
    const parts = cut(gs, sizes, max - measure(`(${n}/${n})`));
    if (parts.length <= n) return parts.map((p, i) => `(${i + 1}/${parts.length})${p}`);
    n = parts.length;
  }
}

/**
 * A text and the line of choices that follows it ("\n\n" between) as parts of at most `max`:
 * the whole when it fits; else the text split, the choices ending its last part when they fit
 * there, or following as a part of their own (choices are never cut).
 */
export function splitWithChoices(text: string, choices: string, opts: SplitOptions): string[] {
  const measure = opts.measure ?? utf16Units;
  const whole = choices ? `${text}\n\n${choices}` : text;
  if (measure(whole) <= opts.max) return [whole];
  const parts = splitText(text, opts);
  if (!choices) return parts;
  const last = `${parts.at(-1)}\n\n${choices}`;
  if (measure(last) <= opts.max) return [...parts.slice(0, -1), last];
  return [...parts, choices];
}

/** How many parts a text becomes (for telling an agent before sending that it cannot fit). */
export function partCount(text: string, opts: SplitOptions): number {
  return splitText(text, opts).length;
}

function cut(gs: string[], sizes: number[], room: number): string[] {
  const parts: string[] = [];
  let start = 0;
  while (start < gs.length) {
    while (start < gs.length && isSpace(gs[start]!)) start++;
    if (start >= gs.length) break;
    let end = start;
    let used = 0;
    while (end < gs.length && used + sizes[end]! <= room) {
      used += sizes[end]!;
      end++;
    }
    if (end === start)
      end = start + 1; // one grapheme larger than a part: alone, never broken
    else if (end < gs.length) end = naturalBreak(gs, sizes, start, end, room) ?? end;
    parts.push(gs.slice(start, end).join("").trimEnd());
    start = end;
  }
  return parts;
}

/** The end of the best natural break in [start, end) that leaves the part at least half full. */
function naturalBreak(gs: string[], sizes: number[], start: number, end: number, room: number): number | undefined {
  const usedBefore: number[] = [];
  let used = 0;
  for (let i = start; i < end; i++) {
    used += sizes[i]!;
    usedBefore.push(used);
  }
  const fullEnough = (i: number) => usedBefore[i - start]! >= room / 2;
  for (const cls of BREAK_CLASSES) {
    for (let i = end - 1; i > start && fullEnough(i); i--) if (cls.has(gs[i]!)) return i + 1;
  }
  for (let i = end - 1; i > start && fullEnough(i); i--) if (isSpace(gs[i]!)) return i + 1;
  return undefined;
}
