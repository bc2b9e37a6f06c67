import { describe, expect, it } from "vitest";
import { locate, locateEvent, placeFromInput, placeOf } from "../../src/places/divisions.js";
import { attribute, stageOf } from "../../src/places/stage.js";
import { SHIPMENT_STATUSES } from "../../src/tracking/tracking.types.js";

const city = (text: string) => {
  const p = locate(text);
  return p ? `${p.provinceCode} ${p.province} ${p.cityCode ?? "-"} ${p.city ?? "-"}` : null;
};

describe("places from free text, GB/T 2260 (issue 23)", () => {
  it("a transfer centre, a station or an address maps to its city", () => {
    expect(city("杭州转运中心")).toBe("330000 浙江省 330100 杭州市");
    expect(city("【杭州转运中心】")).toBe("330000 浙江省 330100 杭州市");
    expect(city("浙江省杭州市西湖区文三路90号")).toBe("330000 浙江省 330100 杭州市");
    expect(city("深圳南山营业部")).toBe("440000 广东省 440300 深圳市");
    expect(city("乌鲁木齐转运中心")).toBe("650000 新疆维吾尔自治区 650100 乌鲁木齐市");
    expect(city("东莞市")).toBe("440000 广东省 441900 东莞市");
  });

  it("a 直辖市 is its own city, districts and streets included", () => {
    expect(city("北京转运中心")).toBe("110000 北京市 110000 北京市");
    expect(city("北京市朝阳区")).toBe("110000 北京市 110000 北京市");
    expect(city("上海市南京路")).toBe("310000 上海市 310000 上海市");
    expect(city("重庆")).toBe("500000 重庆市 500000 重庆市");
  });

  it("a county-level name belongs to its city: 义乌 → 金华市, 长沙县 → 长沙市; a directly governed one is its own", () => {
    expect(city("义乌市营业部")).toBe("330000 浙江省 330700 金华市");
    expect(city("义乌分拨中心")).toBe("330000 浙江省 330700 金华市");
    expect(city("浙江义乌")).toBe("330000 浙江省 330700 金华市");
    expect(city("长沙县")).toBe("430000 湖南省 430100 长沙市");
    expect(city("仙桃市")).toBe("420000 湖北省 429004 仙桃市");
  });

  it("misspelt, unnamed or ambiguous places are unknown, never a wrong province", () => {
    expect(locate("杭洲转运中心")).toBeNull(); // misspelt
    expect(locate("中转分拨中心")).toBeNull();
    expect(locate("朝阳区营业部")).toBeNull(); // 北京 and 长春 both have one; not 朝阳市 (辽宁)
    expect(locate("西湖区")).toBeNull(); // 杭州 and 南昌
    expect(locate("南京路营业部")).toBeNull(); // a street, not 南京
    expect(locate("")).toBeNull();
    expect(locate(null)).toBeNull();
    expect(locate("hangzhou hub")).toBeNull();
    // With the province named, the same words resolve.
    expect(city("辽宁朝阳")).toBe("210000 辽宁省 211300 朝阳市");
    expect(city("江西省南昌市西湖区")).toBe("360000 江西省 360100 南昌市");
    // A province alone stays a province.
    expect(city("浙江省某转运中心")).toBe("330000 浙江省 - -");
  });

  it("an event's place: its location, else the first 【…】 that names one", () => {
    expect(
      locateEvent({ location: null, description: "快件已从【金华转运中心】发出，下一站【西安转运中心】" })?.city,
    ).toBe("金华市");
    expect(locateEvent({ location: "苏州市", description: "快件已到达【中转分拨中心】" })?.city).toBe("苏州市");
    expect(locateEvent({ location: null, description: "快件已到达【中转分拨中心】" })).toBeNull();
  });

  it("codes back to names; unknown or mismatched codes give nothing wrong", () => {
    expect(placeOf("330000", "330100")).toEqual({
      provinceCode: "330000",
      province: "浙江省",
      cityCode: "330100",
      city: "杭州市",
    });
    expect(placeOf("330000", "440300")).toEqual({
      provinceCode: "330000",
      province: "浙江省",
      cityCode: null,
      city: null,
    });
    expect(placeOf("999999", null)).toBeNull();
    expect(placeOf(null, null)).toBeNull();
  });
});

describe("an agent's correction: words or a code (issue 23)", () => {
  it("takes a city or province code, or words; refuses a district's code and unknown words", () => {
    expect(placeFromInput("330100")?.city).toBe("杭州市");
    expect(placeFromInput("330000")).toMatchObject({ province: "浙江省", cityCode: null });
    expect(placeFromInput("110000")?.city).toBe("北京市");
    expect(placeFromInput("110105")?.city).toBe("北京市"); // a district of a 直辖市 is the municipality
    expect(placeFromInput("330106")).toBeNull(); // 西湖区: not a city
    expect(placeFromInput("990000")).toBeNull();
    expect(placeFromInput(" 金华 ")?.cityCode).toBe("330700");
    expect(placeFromInput("杭洲")).toBeNull();
  });
});

describe("the stage from the tracking status (issue 23)", () => {
  it("maps every status; an exception takes the stage before it", () => {
    const stages = Object.fromEntries(SHIPMENT_STATUSES.map((s) => [s, stageOf({ status: s, events: [] })]));
    expect(stages).toEqual({
      pending_pickup: "pickup",
      picked_up: "pickup",
      in_transit: "transit",
      arrived_destination: "transit",
      out_for_delivery: "delivery",
      delivered: "after_delivery",
      at_locker: "delivery",
      exception: null,
      returned: "after_delivery",
    });
    const events = [
      { status: "exception" as const, location: null, description: "收件地址不详" },
      { status: "out_for_delivery" as const, location: null, description: "派件中" },
    ];
    expect(stageOf({ status: "exception", events })).toBe("delivery");
  });

  it("a parcel stuck at a transfer centre: that city, 分拣转运", () => {
    const a = attribute({
      status: "in_transit",
      origin: "广州市",
      destination: "北京市",
      events: [
        { status: "in_transit", location: null, description: "快件已到达【杭州转运中心】" },
        { status: "in_transit", location: "广州市", description: "快件已从【广州转运中心】发出" },
        { status: "picked_up", location: "广州市", description: "【广州营业部】已揽收" },
      ],
    });
    expect(a).toMatchObject({ stage: "transit", place: { cityCode: "330100", city: "杭州市" } });
  });

  it("without a named event: the origin at 揽收, else the destination", () => {
    const base = { origin: "金华市", destination: "西安市", events: [] };
    expect(attribute({ ...base, status: "pending_pickup" }).place?.city).toBe("金华市");
    expect(attribute({ ...base, status: "delivered" }).place?.city).toBe("西安市");
    expect(attribute({ status: "in_transit", origin: null, destination: null, events: [] }).place).toBeNull();
  });
});
