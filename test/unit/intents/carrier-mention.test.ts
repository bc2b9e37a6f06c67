import { describe, expect, it } from "vitest";
import { findCarrierMention } from "../../../intents/display.labels.js";
import { normaliseText } from "../../../intents/index.js";

// findCarrierMention (display.labels.ts): the carrier a customer names in words, exact alias
// first (whole Latin words only), then a typo in a pinyin/English name of ≥ 5 letters.
const cases: [string, string | undefined][] = [
  ["用的圆通", "YTO"],
  ["顺丰还是中通", "SF"],
  ["寄的邮政", "EMS"],
  ["SF Express parcel", "SF"],
  ["my sf parcel", "SF"],
  ["sf", "SF"],
  ["sfx parcel", undefined],
  ["asf", undefined],
  ["J&T Express", "JT"],
  ["sent by j&t", "JT"],
  ["China Post parcel", "EMS"],
  ["jd", "JD"],
  ["zto", "ZTO"],
  ["shunfen", "SF"],
  ["zhongtog kuaidi", "ZTO"],
  ["yunda", "YUNDA"],
  ["yundda", "YUNDA"],
  ["yund", undefined],
  ["hello world", undefined],
  ["我的快递到哪了", undefined],
  ["stoox", undefined],
  // A Chinese name written straight against pinyin or English ("中通kuaidi", "韵达ok吗") is still
  // that carrier: only Latin aliases need a non-letter on each side.
  ["中通kuaidi还没到", "ZTO"],
  ["韵达ok吗", "YUNDA"],
  // "yunds" (s beside a on the keyboard) scores exactly 0.92 against "yunda": the threshold is
  // inclusive.
  ["yunds", "YUNDA"],
  // Aliases under 5 letters are never fuzzy-matched: "jituan" (集团, a company group) is not a
  // typo of "jitu" (极兔) although it scores 0.93 against it.
  ["jituan gongsi", undefined],
];

describe("findCarrierMention", () => {
  it.each(cases)("%s → %s", (text, code) => {
    expect(findCarrierMention(normaliseText(text))).toBe(code);
  });
});
