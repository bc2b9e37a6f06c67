import { describe, expect, it } from "vitest";
import { looksAngry } from "../../src/conversation/anger.js";

describe("looksAngry", () => {
  it("recognises abuse, threats to escalate and shouting", () => {
    for (const text of [
      "你们这破快递到底管不管！",
      "再不处理我就打12305投诉",
      "我要找媒体曝光你们",
      "怎么还没到？？？",
      "WHERE IS MY PARCEL ALREADY",
      "垃圾公司",
    ]) {
      expect(looksAngry(text), text).toBe(true);
    }
  });
  it("leaves ordinary questions and complaints alone", () => {
    for (const text of [
      "我的快递到哪了",
      "包裹破了，请帮我处理一下",
      "谢谢！",
      "Where is my parcel?",
      "投诉进度怎么样了",
    ]) {
      expect(looksAngry(text), text).toBe(false);
    }
  });
});
