import { describe, expect, it } from "vitest";
import { extractFromNormalised } from "../../../intents/entity.extractor.js";
import { categoryCueTokens, featureTokens, toUnits } from "../../../intents/feature.tokeniser.js";
import { normaliseText } from "../../../intents/index.js";

// feature.tokeniser.ts: what the classifier sees of a message.
const prep = (text: string) => {
  const norm = normaliseText(text);
  return { norm, entities: extractFromNormalised(norm) };
};
const units = (text: string) => {
  const { norm, entities } = prep(text);
  return toUnits(norm, entities);
};
const tokens = (text: string) => {
  const { norm, entities } = prep(text);
  return featureTokens(norm, entities);
};
const cues = (text: string) => tokens(text).filter((t) => t.startsWith("CUE:") || t.startsWith("LEN:"));

describe("toUnits", () => {
  it.each([
    ["Chinese characters one by one, ? kept", "快递到了吗?", ["快", "递", "到", "了", "吗", "?"]],
    ["a waybill becomes a placeholder", "SF1438829301576到哪", ["<WB>", "到", "哪"]],
    ["a phone and an amount too", "电话13812345678赔20元", ["电", "话", "<PHONE>", "赔", "<AMT>"]],
    ["a ticket number too", "202611-00012!", ["<TICKET>", "!"]],
    [
      "English words stemmed, apostrophes dropped, a number is 0",
      "it's delivering 3.5 kg",
      ["w:its", "w:deliv", "0", "w:kg"],
    ],
    ["emoji and dingbats one unit each", "好👍☀❤", ["好", "👍", "☀", "❤"]],
    ["a comma breaks the clause, a space does not", "我，你 他", ["我", null, "你", "他"]],
    ["one break for a run of punctuation", "好。。。行", ["好", null, "行"]],
    ["rare-extension CJK (U+3400 block)", "㐀", ["㐀"]],
  ] as [string, string, (string | null)[]][])("%s", (_name, text, expected) => {
    expect(units(text)).toEqual(expected);
  });
});

describe("featureTokens", () => {
  it("unigrams, bigrams and character trigrams within a clause", () => {
    expect(tokens("快递到了")).toEqual([
      "快",
      "快_递",
      "快递到",
      "递",
      "递_到",
      "递到了",
      "到",
      "到_了",
      "了",
      "LEN:2",
    ]);
  });
  it("no bigram across a clause break", () => {
    expect(tokens("我，你")).toEqual(["我", "你", "LEN:1"]);
  });
  it("no trigram through a placeholder", () => {
    expect(tokens("SF1438829301576到哪")).toEqual(["<WB>", "<WB>_到", "到", "到_哪", "哪", "LEN:2"]);
  });
  it.each([
    ["我不是投诉", ["CUE:neg_complaint", "LEN:2"]],
    ["not a complaint", ["CUE:neg_complaint", "LEN:2"]],
    ["bu shi tou su", ["CUE:neg_complaint", "LEN:2"]],
    ["话费还剩多少", ["CUE:other_service", "LEN:2"]],
    ["话费快递", ["LEN:2"]],
    ["话费 SF1438829301576", ["LEN:2"]],
    ["还没收到", ["CUE:not_received", "LEN:2"]],
    ["上门取件是不是要加钱", ["CUE:asks", "LEN:3"]],
    ["请问寄酒可以吗", ["CUE:asks", "LEN:3"]],
    ["is it normal", ["CUE:asks", "LEN:2"]],
    ["卖家不发货", ["CUE:shop", "LEN:2"]],
    ["ask the seller", ["CUE:shop", "LEN:2"]],
  ] as [string, string[]][])("cues of %s", (text, expected) => {
    expect(cues(text)).toEqual(expected);
  });
  it.each([
    ["一二", "LEN:1"],
    ["一二三", "LEN:2"],
    ["一二三四五六", "LEN:2"],
    ["一二三四五六七", "LEN:3"],
    ["一二三四五六七八九十".repeat(2), "LEN:3"],
    [`${"一二三四五六七八九十".repeat(2)}一`, "LEN:4"],
  ])("length bucket of %s", (text, bucket) => {
    expect(cues(text)).toEqual([bucket]);
  });
});

describe("categoryCueTokens (complaint category model only)", () => {
  it.each([
    ["件就这么没了", ["CC:gone"]],
    ["邻居说没见过我的包裹", ["CC:gone"]],
    ["the parcel is gone", ["CC:gone"]],
    ["没打招呼就把件塞丰巢了", ["CC:placed", "CC:consent"]],
    ["快递员把包裹放到小区门卫那了", ["CC:placed"]],
    ["放门口没有敲门", ["CC:placed"]],
    ["说是放在驿站了，去了驿站说没有", ["CC:gone", "CC:placed", "CC:placed_gone"]],
    ["没经我同意就把件放物业了，结果丢了", ["CC:gone", "CC:placed", "CC:consent", "CC:placed_gone"]],
    ["快递员骂我", ["CC:manner"]],
    ["the courier was shouting at my mom", ["CC:manner"]],
    ["快递员把我的地址告诉了别人", ["CC:conduct"]],
    ["快递员随地扔烟头", ["CC:conduct"]],
    ["送上楼要另收20块", ["CC:money"]],
    ["理赔只给赔运费的三倍", []],
    ["kuaidi yuan zai lou dao li chou yan", []],
    ["物流三天没更新了", ["CC:stale"]],
    ["快递太慢了", []],
    // Session 12: a parcel that only could be taken, or a gift the courier kept, is not "gone" (README convention).
    ["快递员把我的包裹塞在门口的地垫下面，谁都能拿走", ["CC:placed"]],
    ["直接放到驿站，万一被别人拿走了谁负责", ["CC:placed"]],
    ["he left it on the doorstep where anyone could take it", ["CC:placed"]],
    ["快递员把赠品私自拿走了", []],
    ["快递放在门口被人拿走了", ["CC:gone", "CC:placed", "CC:placed_gone"]],
  ] as [string, string[]][])("%s → %j", (text, expected) => {
    expect(categoryCueTokens(normaliseText(text))).toEqual(expected);
  });
  it("the intent features never carry them", () => {
    expect(tokens("没经我同意就把件放物业了，结果丢了").some((t) => t.startsWith("CC:"))).toBe(false);
  });
});
