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
];

describe("findCarrierMention", () => {
  it.each(cases)("%s → %s", (text, code) => {
    expect(findCarrierMention(normaliseText(text))).toBe(code);
  });
});
