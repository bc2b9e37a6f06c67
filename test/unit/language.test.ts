import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { messageLocale } from "../../src/conversation/language.js";
import { hostileString } from "../support/fuzz.js";

describe("the language of a customer's message", () => {
  it("switches to English for an English sentence and to Chinese for Chinese words", () => {
    expect(messageLocale("Hi, my parcel has not arrived after a week", "zh-CN")).toBe("en");
    expect(messageLocale("where is my package", "zh-CN")).toBe("en");
    expect(messageLocale("我的快递到哪了", "en")).toBe("zh-CN");
    expect(messageLocale("我個快遞去咗邊", "en")).toBe("zh-CN"); // Cantonese, traditional
    expect(messageLocale("SF1438829301576 到哪了", "en")).toBe("zh-CN");
  });

  it("keeps the conversation's language for what says nothing about it", () => {
    for (const current of ["zh-CN", "en"] as const) {
      for (const text of [
        "SF1438829301576",
        "13812345678",
        "ok",
        "yes",
        "",
        "👍",
        "wo de kuaidi zai nali",
        "a b c",
        "好",
      ])
        expect(messageLocale(text, current)).toBe(current);
    }
    // One English word among pinyin is not enough.
    expect(messageLocale("wo you yi ge kuaidi", "zh-CN")).toBe("zh-CN");
  });

  it("never throws and answers a locale for any Unicode (NUL, lone surrogates, 4-byte characters)", () => {
    fc.assert(
      fc.property(hostileString, fc.constantFrom("zh-CN" as const, "en" as const), (text, current) =>
        ["zh-CN", "en"].includes(messageLocale(text, current)),
      ),
      { seed: 20261130, numRuns: 200 },
    );
    expect(messageLocale("\u0000\ud800 the parcel is lost 𠮷", "zh-CN")).toBe("en");
  });
});
