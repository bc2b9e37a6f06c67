import { describe, expect, it } from "vitest";
import { matchOutlet, outletKey } from "../../src/outlets/outlet.match.js";

// Issue 23: a tracking location or an agent's words find the right outlet, or none — never a wrong
// one, never one in another province.
const OUTLETS = [
  { code: "330106001", name: "杭州西湖网点", regionCodes: ["330100"] },
  { code: "330106002", name: "杭州西湖区文三路营业部", regionCodes: ["330100"] },
  { code: "330102001", name: "杭州上城网点", regionCodes: ["330100"] },
  { code: "330100900", name: "杭州转运中心", regionCodes: ["330100"] },
  { code: "360429001", name: "湖口西湖网点", regionCodes: ["360400"] },
  { code: "330782001", name: "义乌（稠城）分部", regionCodes: ["330700"] },
  { code: "440300001", name: "深圳南山科技园网点", regionCodes: [] },
];
const code = (text: string, typed = false) => {
  const m = matchOutlet(text, OUTLETS, { typed });
  return m.kind === "match" ? m.outlet.code : m.kind;
};

describe("outlet matching (issue 23)", () => {
  it("keys drop brackets, spaces, width and the generic suffixes", () => {
    expect(outletKey("【杭州西湖网点】")).toBe("杭州西湖");
    expect(outletKey(" 义乌（稠城）分部 ")).toBe("义乌稠城");
    expect(outletKey("杭州西湖区文三路营业部")).toBe("杭州西湖区文三路");
    expect(outletKey("网点")).toBe("网点");
  });

  it("tracking locations: exact code or name, the same key, or a location that says more", () => {
    expect(code("330106001")).toBe("330106001");
    expect(code("杭州西湖网点")).toBe("330106001");
    expect(code("【杭州西湖网点】")).toBe("330106001");
    expect(code("杭州西湖营业部")).toBe("330106001");
    expect(code("【杭州转运中心】")).toBe("330100900");
    expect(code("义乌(稠城)分部")).toBe("330782001");
    // Says more than an outlet's name: the most specific outlet it holds.
    expect(code("杭州西湖区文三路营业部")).toBe("330106002");
    expect(code("杭州西湖区文三路网点")).toBe("330106002");
    expect(code("杭州西湖区古荡网点")).toBe("330106001");
    expect(code("深圳南山科技园网点2号柜")).toBe("440300001");
  });

  it("tracking locations naming no outlet, or less than one, are none", () => {
    expect(code("杭州")).toBe("none");
    expect(code("西湖")).toBe("none");
    expect(code("宁波转运中心")).toBe("none");
    expect(code("中转分拨中心")).toBe("none");
    expect(code("")).toBe("none");
    expect(code("网点")).toBe("none");
  });

  it("never an outlet of another province than the place the text names", () => {
    // 江西九江湖口 holds the key of no Zhejiang outlet; 湖口西湖 is its own.
    expect(code("江西省九江市湖口西湖网点")).toBe("360429001");
    expect(code("浙江省湖口西湖网点")).toBe("none");
  });

  it("an agent's partial name finds the one outlet it fits, or asks", () => {
    expect(code("文三路", true)).toBe("330106002");
    expect(code("稠城", true)).toBe("330782001");
    expect(code("上城", true)).toBe("330102001");
    expect(code("西湖", true)).toBe("ambiguous");
    expect(code("杭州", true)).toBe("ambiguous");
    expect(code("苏州", true)).toBe("none");
  });
});
