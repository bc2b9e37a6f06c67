import { describe, expect, it } from "vitest";
import { normaliseText } from "../../../intents/index.js";
import {
  asksForCompensation,
  asksIfScam,
  categoryRule,
  deniesComplaintThenAsks,
  praisesPersonThenFault,
  ruleDecision,
} from "../../../intents/intent.rules.js";
import type { Entity, NluContext } from "../../../intents/nlu.js";

// intent.rules.ts: the deterministic decisions taken before (or instead of) the model.
const wb: Entity = { type: "waybill", value: "SF1438829301576", start: 0, end: 15 };
const ticket: Entity = { type: "ticket_number", value: "202611-00012", start: 0, end: 12 };
const phone: Entity = { type: "phone", value: "13812345678", start: 0, end: 11 };
const decide = (text: string, units: (string | null)[], entities: Entity[] = [], ctx?: NluContext) =>
  ruleDecision(text, normaliseText(text), units, entities, ctx);
const words = (n: number): string[] => Array.from({ length: n }, (_, i) => `w${i}`);

describe("ruleDecision: messages with no words", () => {
  it.each([
    ["👋", "greeting", 0.55],
    ["🙋 🤝", "greeting", 0.55],
    ["🙏👍", "thanks", 0.55],
    ["😡😡", "complaint", 0.4],
    ["🐶", "none", 0.3],
    ["   ", "none", 0.3],
    ["", "none", 0.3],
  ] as [string, string, number][])("%s → %s", (text, intent, confidence) => {
    expect(decide(text, [])).toEqual({ intent, confidence });
  });
  it("punctuation and placeholders are not words", () => {
    expect(decide("?!", ["?", "!", null, "<WB>"])).toEqual({ intent: "none", confidence: 0.3 });
  });
});

describe("ruleDecision: short answers to the bot's question", () => {
  it("a waybill when a waybill was asked for is tracked, up to 12 words around it", () => {
    expect(decide("x", words(12), [wb], { expecting: "waybill" })).toEqual({ intent: "track", confidence: 0.97 });
    expect(decide("x", words(13), [wb], { expecting: "waybill" })).toBeUndefined();
    expect(decide("x", words(3), [wb], { expecting: "ticket_number" })).toBeUndefined();
  });
  it("a ticket number when one was asked for asks for its progress, up to 12 words", () => {
    expect(decide("x", words(12), [ticket], { expecting: "ticket_number" })).toEqual({
      intent: "complaint_progress",
      confidence: 0.95,
    });
    expect(decide("x", words(13), [ticket], { expecting: "ticket_number" })).toBeUndefined();
    expect(decide("x", words(3), [ticket], { expecting: "waybill" })).toBeUndefined();
  });
});

describe("ruleDecision: an entity with filler words", () => {
  it("a waybill with only filler (单号, 查一下, 到哪了) is tracked", () => {
    expect(decide("x", ["帮我", "查一下", "单号", "<WB>", "到哪了"], [wb])).toEqual({
      intent: "track",
      confidence: 0.98,
    });
    expect(decide("x", ["w:track", "w:my", "w:waybil"], [wb])).toEqual({ intent: "track", confidence: 0.98 });
  });
  it("a waybill with a grievance is left to the model", () => {
    expect(decide("x", ["查一下", "投诉"], [wb])).toBeUndefined();
  });
  it("a ticket number with at most two words asks for its progress", () => {
    expect(decide("x", ["工单", "进度"], [ticket])).toEqual({ intent: "complaint_progress", confidence: 0.9 });
    expect(decide("x", ["工单", "进度", "慢"], [ticket])).toBeUndefined();
  });
  it("a phone number alone is a tracking lookup (by phone), weakly", () => {
    expect(decide("x", [], [phone])).toEqual({ intent: "track", confidence: 0.45 });
    expect(decide("x", ["电话"], [phone])).toBeUndefined();
  });
});

describe("ruleDecision: asking for a person", () => {
  it.each([
    "转人工",
    "给我转个人工",
    "人工",
    "人工!!",
    "人工客服在吗",
    "真人客服",
    "talk to a human",
    "speak with an agent",
    "rengong",
    "zhuan ren gong",
  ])("%s → human", (text) => {
    expect(decide(text, ["w"])).toEqual({ intent: "human", confidence: 0.97 });
  });
  it.each(["不要转人工", "不需要人工", "别找真人", "人工智能真厉害", "我是人工湖边的"])(
    "%s → not decided by rule",
    (text) => {
      expect(decide(text, ["w"])).toBeUndefined();
    },
  );
});

describe("categoryRule", () => {
  it.each([
    ["物流显示已签收，可是不是我签的", "DELIVERY_SERVICE"],
    ["显示签收人是我本人，我根本没收到", "DELIVERY_SERVICE"],
    ["系统显示妥投，谁签的？", "DELIVERY_SERVICE"],
    ["tracking says delivered but i never signed", "DELIVERY_SERVICE"],
    ["物流显示丢件了", "LOSS"],
    ["系统提示遗失", "LOSS"],
    ["it shows as lost", "LOSS"],
    ["不是我签的", undefined],
    // A signature called fake in so many words, without "显示" (domain.md: DELIVERY_SERVICE covers a fake
    // signature; 快递市场管理办法 Art. 28).
    ["快递员冒签，我人都没见到", "DELIVERY_SERVICE"],
    ["虚假签收，东西也不知道去哪了", "DELIVERY_SERVICE"],
    ["签收人一栏是个陌生名字", "DELIVERY_SERVICE"],
    ["someone else signed for my parcel and now it's gone", "DELIVERY_SERVICE"],
    ["they faked my signature on the delivery record", "DELIVERY_SERVICE"],
    // Shown as delivered, not received, no signature disowned → LOSS (domain.md: LOSS covers "signed but
    // never received" when the parcel is gone); a status that came early is TRACKING_INFO's (left to the model).
    ["显示已签收但是我根本没收到", "LOSS"],
    ["物流显示已签收，家门口和邻居家都找过了没有", "LOSS"],
    ["顯示已簽收但是我沒有收到", "LOSS"],
    ["tracking says delivered but there is nothing at my door", "LOSS"],
    ["显示已签收，其实件还在网点", undefined],
    ["物流信息真准，我还没收到就显示签收了", undefined],
    ["tracking shows delivered but the courier still has it", undefined],
    ["显示已签收，快递员说明天才送", undefined],
    ["快递丢了", undefined],
    ["我的快递到哪了", undefined],
    // An earlier complaint or claim not handled (not the parcel's delay).
    ["说好48小时给结果，现在第五天了", "AFTER_SALES"],
    ["赔偿款说三天到账，十天了还没到", "AFTER_SALES"],
    ["工单拖了一个礼拜没人管", "AFTER_SALES"],
    ["I complained three times and nothing happened", "AFTER_SALES"],
    ["代收货款说好T+3到账，一周了还没到", undefined],
    ["十天了件还卡在中转站不动，给个说法", undefined],
    // Damage told by its cause.
    ["花瓶摔碎了", "DAMAGE"],
    ["箱子被压扁了", "DAMAGE"],
    ["冷链到手就烂了", "DAMAGE"],
    ["the courier left my parcel in the bin and now it's soaked", "DAMAGE"],
    ["摔碎了的理赔一直不给结果", undefined], // a claim: left to the model (AFTER_SALES)
    ["箱子压扁了，里面东西少了两件", undefined],
    ["快递车把小区的草坪压坏了", undefined],
    // Money asked for a service step.
    ["送6楼要另加20", "IMPROPER_CHARGE"],
    ["快递员说要加钱才上门取件", "IMPROPER_CHARGE"],
    ["the driver charged me an extra fee to bring it upstairs", "IMPROPER_CHARGE"],
    ["代收货款多收了手续费", undefined],
  ] as [string, string | undefined][])("%s → %s", (text, code) => {
    expect(categoryRule(normaliseText(text))).toBe(code);
  });
});

describe("praisesPersonThenFault", () => {
  it.each([
    ["快递员人挺好的，就是送得太晚", true],
    ["小哥服务没得说，不过箱子压坏了", true],
    ["態度係幾好，不過寄咗一個禮拜", true],
    ["the driver was polite but the box was soaked", true],
    ["tai du hen hao, dan shi tai man le", true],
    ["快递员态度真好哦，直接挂我电话", false],
    ["客服人挺客气，但是后来直接骂我", false],
    ["快递员态度很差，还很慢", false],
    ["送得太慢了", false],
  ] as [string, boolean][])("%s → %s", (text, expected) => {
    expect(praisesPersonThenFault(normaliseText(text))).toBe(expected);
  });
});

describe("deniesComplaintThenAsks", () => {
  it.each([
    ["不是投诉，就问下运费多少", true],
    ["不是投诉，请问几天能到", true],
    ["not a complaint, how long does it take", true],
    ["不是投诉", false],
    ["不是投诉，但你们太过分了吧", false],
    ["不是投诉，你们是不是有病啊", false],
    ["运费多少", false],
  ] as [string, boolean][])("%s → %s", (text, yes) => {
    expect(deniesComplaintThenAsks(normaliseText(text))).toBe(yes);
  });
});

describe("asksForCompensation (an explicit request for compensation is a claim, intents/README.md)", () => {
  it.each([
    ["物流显示丢件了，我要理赔", true],
    ["快递丢了，要求赔偿", true],
    ["包裹丢失，要求按价赔偿", true],
    ["你们把我快递弄丢了，赔钱", true],
    ["延误三天了，我要延误赔付", true],
    ["件唔見咗，要你哋賠", true],
    ["lost my parcel, pay me back", true],
    ["the box never came, I want compensation", true],
    // questions about compensation
    ["丢件了没保价的话赔多少钱", false],
    ["快递丢了能要求赔偿吗", false],
    ["晚到几天能不能申请赔偿", false],
    ["what's the compensation if my parcel is lost", false],
    // a claim already made, and grievances that only mention it
    ["理赔申请交上去一个月了，一直拖着不处理", false],
    ["说好的赔偿款呢，还没到账", false],
    ["丢件了你们赔不赔", false],
    ["价值五千的衣服寄丢了，网点只肯赔一千", false],
    ["I want to complain, you lost my parcel and I want compensation", false],
    ["快递丢了，我要投诉，还要赔偿", false],
  ])("%s → %s", (text, expected) => {
    expect(asksForCompensation(normaliseText(text))).toBe(expected);
  });
});

describe("asksIfScam (asking whether a call, text or offer about the parcel is a scam is a question, issue 16)", () => {
  it.each([
    ["快递员打电话说我的包裹弄丢了，要我加他微信领赔偿，这靠谱吗", true],
    ["有人发短信说我的件破损了，点链接填银行卡就能领双倍赔付，是真的吗", true],
    ["短信说包裹扣在海关要交50块手续费，是不是诈骗", true],
    ["有人自称你们客服要给我退款，可信吗", true],
    ["someone called saying my parcel was lost and asked for my card number, is that legit?", true],
    // fraud that happened, or an accusation against us: complaints
    ["快递面单上的信息被人拿去诈骗了", false],
    ["你们是骗子吧，收了运费不发货", false],
    ["凭什么说丢了就丢了，这是真的吗，太过分了", false],
    ["you guys are scammers, I paid and nothing came", false],
  ])("%s → %s", (text, expected) => {
    expect(asksIfScam(normaliseText(text))).toBe(expected);
  });
});
