import { describe, expect, it } from "vitest";
import { proposalAnswer } from "../../src/conversation/flows/request.texts.js";
import { BUILTIN_YEARS, holidayTable } from "../../src/sla/holidays.js";
import {
  asksPlacement,
  canChangeAddress,
  canUrge,
  checkClaimAmount,
  maskAddress,
  parseAddress,
  parsePreference,
  prohibitedByArticle,
  prohibitedItem,
  slotWindow,
} from "../../src/tickets/request-rules.js";
import { requestStep } from "../../src/tickets/ticket-types.js";
import { SHIPMENT_STATUSES } from "../../src/tracking/tracking.types.js";

// Monday 2026-11-30, 11:00 in Shanghai.
const at = (iso: string) => new Date(iso);

describe("service request rules (issue 15)", () => {
  it("改地址 is allowed up to arrival in the destination city and refused from out-for-delivery on", () => {
    const allowed = SHIPMENT_STATUSES.filter(canChangeAddress);
    expect(allowed).toEqual(["pending_pickup", "picked_up", "in_transit", "arrived_destination"]);
    for (const s of ["out_for_delivery", "delivered", "at_locker", "returned"] as const)
      expect(canChangeAddress(s)).toBe(false);
  });

  it("催件 needs a parcel on its way", () => {
    expect(canUrge("in_transit")).toBe(true);
    expect(canUrge("out_for_delivery")).toBe(true);
    expect(canUrge("pending_pickup")).toBe(false);
    expect(canUrge("delivered")).toBe(false);
  });

  it("an address needs its province and city (GB/T 2260) and more than that; lists keep only province and city", () => {
    expect(parseAddress("广东省深圳市南山区科技园1栋")).toMatchObject({
      province: "广东省",
      city: "深圳市",
      cityCode: "440300",
    });
    expect(parseAddress("上海浦东新区世纪大道100号")).toMatchObject({ city: "上海市" });
    expect(parseAddress("深圳市福田区深南大道100号")).toMatchObject({ province: "广东省" });
    expect(parseAddress("朝阳区建国路88号")).toEqual({ error: "no_city" }); // 朝阳区 is not 朝阳市
    expect(parseAddress("广州市")).toEqual({ error: "too_short" });
    expect(maskAddress("湖北省武汉市洪山区珞喻路1037号")).toBe("湖北省武汉市****");
    expect(maskAddress("北京市朝阳区建国路88号")).toBe("北京市****");
  });

  it("a pickup slot: bookable until an hour before it ends; never on a public holiday; weekends are fine", () => {
    const monday11 = at("2026-11-30T03:00:00Z");
    // The morning slot ends at 12:00: bookable until just before 11:00.
    expect(slotWindow({ day: "today", part: "morning" }, at("2026-11-30T02:59:59Z"))).toMatchObject({
      date: "2026-11-30",
    });
    expect(slotWindow({ day: "today", part: "morning" }, monday11)).toEqual({ error: "past" });
    expect(slotWindow({ day: "today", part: "afternoon" }, monday11)).toMatchObject({ date: "2026-11-30" });
    expect(slotWindow({ day: "tomorrow", part: "morning" }, at("2026-09-30T03:00:00Z"))).toEqual({ error: "closed" }); // 国庆
    expect(slotWindow({ day: "tomorrow", part: "morning" }, at("2026-12-04T03:00:00Z"))).toMatchObject({
      date: "2026-12-05",
    }); // Saturday
    expect(slotWindow({ day: "tomorrow", part: "morning" }, monday11, ["2026-12-01"])).toEqual({ error: "closed" });
  });

  it("a pickup slot on a day off of an admin-loaded year is closed (issue 19); the year's other days are open", () => {
    const next = Math.max(...BUILTIN_YEARS) + 1;
    const table = holidayTable([{ year: next, date: `${next}-03-10`, kind: "holiday", name: "测试假日" }]);
    const eve = new Date(`${next}-03-09T11:00:00+08:00`);
    expect(slotWindow({ day: "tomorrow", part: "morning" }, eve)).toMatchObject({ date: `${next}-03-10` });
    expect(slotWindow({ day: "tomorrow", part: "morning" }, eve, [], table)).toEqual({ error: "closed" });
    const day1 = new Date(`${next}-03-10T11:00:00+08:00`);
    expect(slotWindow({ day: "tomorrow", part: "morning" }, day1, [], table)).toMatchObject({ date: `${next}-03-11` });
  });

  it("without a schedule for the year, a statutory holiday (元旦) is closed for pickups all the same", () => {
    const next = Math.max(...BUILTIN_YEARS) + 1;
    const eve = new Date(`${next - 1}-12-31T11:00:00+08:00`);
    expect(slotWindow({ day: "tomorrow", part: "morning" }, eve)).toEqual({ error: "closed" });
  });

  it("claim amounts: positive and at most the configured maximum", () => {
    expect(checkClaimAmount(-1, 50000)).toBe("not_positive");
    expect(checkClaimAmount(0, 50000)).toBe("not_positive");
    expect(checkClaimAmount(50000, 50000)).toBe("ok");
    expect(checkClaimAmount(50000.01, 50000)).toBe("too_large");
  });

  it("prohibited items and delivery preferences are read from everyday words", () => {
    expect(prohibitedItem("两桶汽油")?.zh).toBe("易燃易爆物品");
    expect(prohibitedItem("衣服")).toBeUndefined();
    // Another day (session 11): "我明天不在家，能改到后天送吗" was unsure, then handed to a person.
    expect(parsePreference("我明天不在家，快递能改到后天送吗")).toBe("reschedule");
    expect(asksPlacement("我明天不在家，快递能改到后天送吗")).toBe(true);
    expect(asksPlacement("不在家，可以周六再送吗")).toBe(true);
    expect(asksPlacement("can you deliver it on Saturday instead")).toBe(true);
    // A question about when it comes is not a request to move it.
    expect(asksPlacement("是明天送吗")).toBe(false);
    expect(asksPlacement("后天能送到吗")).toBe(false);
    expect(parsePreference("不要放驿站")).toBe("home");
    expect(parsePreference("放驿站吧")).toBe("station");
    expect(parsePreference("别放快递柜")).toBe("home");
    expect(parsePreference("明天再送")).toBe("reschedule");
  });

  it("an address written in English is read by the pinyin of its city and province", () => {
    expect(parseAddress("No. 5 Renmin Road, Jinshui District, Zhengzhou, Henan")).toMatchObject({
      province: "河南省",
      city: "郑州市",
      cityCode: "410100",
    });
    expect(parseAddress("3 Chang'an Ave, Xi'an, Shaanxi")).toMatchObject({ province: "陕西省", city: "西安市" });
    expect(parseAddress("1 Yingze St, Taiyuan, Shanxi")).toMatchObject({ province: "山西省", city: "太原市" });
    expect(parseAddress("Chaoyang District, Beijing, 10 Jianguo Rd")).toMatchObject({ cityCode: "110000" });
    // Taizhou is a city of Zhejiang and of Jiangsu: the province decides, or a district only one
    // of them has; without either nothing is guessed, and the customer is told which provinces.
    expect(parseAddress("12 Jiefang Road, Taizhou")).toEqual({
      error: "ambiguous_city",
      city: "taizhou",
      provinces: expect.arrayContaining(["Zhejiang", "Jiangsu"]),
    });
    expect(parseAddress("12 Jiefang Road, Taizhou, Zhejiang")).toMatchObject({ city: "台州市" });
    expect(parseAddress("No. 12 Haimen Street, Jiaojiang District, Taizhou")).toMatchObject({
      province: "浙江省",
      city: "台州市",
    });
    expect(parseAddress("No. 5 Renmin Road, Hailing District, Taizhou")).toMatchObject({
      province: "江苏省",
      city: "泰州市",
    });
    expect(parseAddress("8 Gandong Avenue, Linchuan District, Fuzhou")).toMatchObject({ city: "抚州市" });
    expect(parseAddress("No. 10 Wusi Road, Gulou District, Fuzhou")).toMatchObject({ city: "福州市" });
    expect(parseAddress("Beijing")).toEqual({ error: "too_short" });
    expect(parseAddress("hello world")).toEqual({ error: "no_city" });
  });

  it("asking for a parcel to be left somewhere is told from a rule question or a grievance about it", () => {
    for (const ask of [
      "能不能放驿站",
      "可以放快递柜吗",
      "放门口就行",
      "帮我放丰巢",
      "能不能送货上门",
      "can you leave it at the locker",
    ])
      expect(asksPlacement(ask), ask).toBe(true);
    for (const other of [
      "驿站一般保管几天",
      "快递柜超时收费吗",
      "为什么不送上门放驿站",
      "没经过我同意就放快递柜",
      "why did you leave it at the station",
    ])
      expect(asksPlacement(other), other).toBe(false);
  });

  it("knowledge-base articles tagged 禁寄:<item> extend the prohibited items (either colon, any case)", () => {
    const articles = [
      { title: "能寄液体吗？", tags: ["液体", "禁寄"] },
      { title: "电子烟能寄吗？", tags: ["电子烟", "禁寄：电子烟", "禁寄:Vape"] },
    ];
    expect(prohibitedByArticle("两支电子烟", articles)?.title).toBe("电子烟能寄吗？");
    expect(prohibitedByArticle("a VAPE pen", articles)?.title).toBe("电子烟能寄吗？");
    // A plain 禁寄 keyword tag names no item; other items pass.
    expect(prohibitedByArticle("一瓶液体洗衣液", articles)).toBeUndefined();
    expect(prohibitedByArticle("衣服", articles)).toBeUndefined();
    expect(prohibitedByArticle("衣服", [{ title: "x", tags: ["禁寄:", "禁寄: "] }])).toBeUndefined();
  });

  it("request actions fit only requests, and a claim goes propose → agree → complete with the amount paid", () => {
    expect(requestStep({ type: "complaint", proposedAmount: null }, { action: "complete" }).refuse).toBeDefined();
    expect(requestStep({ type: "urge", proposedAmount: null }, { action: "propose" }).refuse).toBeDefined();
    expect(requestStep({ type: "claim", proposedAmount: null }, { action: "agree" }).refuse).toBeDefined();
    expect(requestStep({ type: "claim", proposedAmount: 600 }, { action: "complete" }).refuse).toBeDefined();
    expect(requestStep({ type: "claim", proposedAmount: 600 }, { action: "complete", paidAmount: 600 })).toEqual({});
    expect(requestStep({ type: "complaint", proposedAmount: null }, { action: "resolve" })).toEqual({});
  });
});

describe("a claim proposal answered in the chat (issue 15)", () => {
  it("takes only a whole answer: 同意 / 不同意 / agree / disagree, never a message that merely contains 同意", () => {
    for (const yes of ["同意", "我同意", "同意！", "接受", " agree ", "I agree.", "accept"])
      expect(proposalAnswer(yes), yes).toBe(true);
    for (const no of ["不同意", "我不同意。", "不接受", "disagree", "I disagree", "don't accept", "do not accept"])
      expect(proposalAnswer(no), no).toBe(false);
    for (const other of ["我同意你们说的，但是快递员态度太差了", "同意了吗", "好", "是", "agreed on what?", ""])
      expect(proposalAnswer(other), other).toBeUndefined();
  });
});
