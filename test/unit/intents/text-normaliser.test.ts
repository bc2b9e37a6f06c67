import { describe, expect, it, vi } from "vitest";
import { exportCharMap, normaliseText } from "../../../intents/text.normaliser.js";

// normaliseText (text.normaliser.ts): what the rules and the model read. Every case keeps the
// length (entity offsets point into the customer's original text).
const cases: [string, string, string][] = [
  ["ASCII letters lower-cased at both ends of A–Z", "@AZ[az", "@az[az"],
  ["control characters and DEL become spaces, printable ASCII stays", "a\tb\nc\u001fd\u007fe ~", "a b c d e ~"],
  ["full-width ASCII at both ends of the block", "！Ａ～Ｚ＠［", "!a~z@["],
  ["full-width digits", "１２３", "123"],
  ["ideographic space", "查\u3000单", "查 单"],
  ["C1 controls at both ends", "a\u0080b\u009fc", "a b c"],
  ["no-break space, but not the character after it", "a\u00a0b\u00a1", "a b\u00a1"],
  ["the U+2000–U+200F spaces and marks, not U+1FFF", "\u2000\u200f\u1fff", "  \u1fff"],
  ["line and paragraph separators, narrow no-break space", "a\u2028b\u2029c\u202fd", "a b c d"],
  ["BOM and word joiner", "\ufeffa\u2060b", " a b"],
  ["dashes between waybill groups", "1\u20102\u20153\u22124", "1-2-3-4"],
  ["Chinese punctuation", "好。是、「对」【1】", '好.是,"对"[1]'],
  ["traditional characters to simplified", "這個包裹怎麼還沒到", "这个包裹怎么还没到"],
  ["么 stays 么 (OpenCC would make it 幺)", "什么", "什么"],
  ["simplified text is left alone", "我的快递到哪了", "我的快递到哪了"],
];

describe("normaliseText", () => {
  it.each(cases)("%s", (_name, input, expected) => {
    const out = normaliseText(input);
    expect(out).toBe(expected);
    expect(out.length).toBe(input.length);
  });
});

describe("exportCharMap: the table the model cache stores", () => {
  it("holds [from, to] pairs: 這→这, 麼→么, and nothing for 么", () => {
    const pairs = exportCharMap();
    expect(pairs.length % 2).toBe(0);
    const map = new Map<number, number>();
    for (let k = 0; k < pairs.length; k += 2) map.set(pairs[k]!, pairs[k + 1]!);
    expect(map.get("這".charCodeAt(0))).toBe("这".charCodeAt(0));
    expect(map.get("麼".charCodeAt(0))).toBe("么".charCodeAt(0));
    expect(map.has("么".charCodeAt(0))).toBe(false);
    expect(map.size).toBeGreaterThan(1000);
  });
});

describe("the traditional→simplified table, built fresh", () => {
  it("maps CJK and extension-A characters one to one, 么 excepted", async () => {
    vi.resetModules();
    const fresh = await import("../../../intents/text.normaliser.js");
    expect(fresh.normaliseText("這個包裹怎麼還沒到")).toBe("这个包裹怎么还没到");
    const pairs = fresh.exportCharMap();
    const map = new Map<number, number>();
    for (let k = 0; k < pairs.length; k += 2) map.set(pairs[k]!, pairs[k + 1]!);
    for (const [from, to] of map) {
      expect(from).not.toBe(to);
      expect(from >= 0x3400 && from <= 0x9fff).toBe(true);
    }
    expect([...map.keys()].some((c) => c < 0x4e00)).toBe(true);
    expect(map.get("麼".charCodeAt(0))).toBe("么".charCodeAt(0));
    expect(map.has("么".charCodeAt(0))).toBe(false);
  });
});
