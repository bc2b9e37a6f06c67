import { describe, expect, it } from "vitest";
import type { NluResult } from "../../../intents/index.js";
import { type AnswerPolicy, answerNeeds, claimNeeds } from "../../../src/knowledge/answer.policy.js";
import { customerOutcome } from "../../../src/knowledge/kb.eval.js";

const policy: AnswerPolicy = { threshold: 0.5, offTopic: 0.65, clearMatch: 0.7 };

function parsed(ranking: [string, number][], waybill = false): NluResult {
  const [first] = ranking;
  return {
    intent: { name: first![0] as NluResult["intent"]["name"], confidence: first![1] },
    ranking: ranking.map(([name, confidence]) => ({ name: name as NluResult["intent"]["name"], confidence })),
    entities: waybill ? [{ type: "waybill", value: "SF1234567890123", start: 0, end: 15 }] : [],
  };
}

const match = (score: number) => ({ articleId: "a", score, matched: "" });

describe("answer policy: the intent engine's verdict sets the score an article needs (issue 14)", () => {
  it("a question needs the threshold, an off-topic message the off-topic score, a lean to another flow a clear match", () => {
    expect(answerNeeds(parsed([["inquiry", 0.6]]), policy)).toBe(0.5);
    expect(answerNeeds(parsed([["none", 0.9]]), policy)).toBe(0.65);
    expect(
      answerNeeds(
        parsed([
          ["track", 0.6],
          ["inquiry", 0.1],
        ]),
        policy,
      ),
    ).toBe(0.7);
    // Torn between another flow and a question: a question's threshold.
    expect(
      answerNeeds(
        parsed([
          ["complaint", 0.5],
          ["inquiry", 0.3],
        ]),
        policy,
      ),
    ).toBe(0.5);
    // …unless the message is not even worded as a question: "我要寄快递" says what the customer
    // wants (it got the lockers-consent article at 0.52); "拒收了运费谁付" still asks.
    const torn = parsed([
      ["pickup", 0.68],
      ["inquiry", 0.28],
    ]);
    expect(answerNeeds(torn, policy, "我要寄快递")).toBe(0.7);
    expect(answerNeeds(torn, policy, "寄快递要多少钱")).toBe(0.5);
    expect(answerNeeds(torn, policy, "拒收了运费谁付")).toBe(0.5);
    // An instruction leaning to a request wants it done, not an article about the rule behind it
    // (it got the lockers-consent article); the router offers the request instead.
    const wants = parsed([["delivery_preference", 0.76]]);
    expect(answerNeeds(wants, policy, "please don't put my parcel in the locker, deliver it to my door")).toBe(
      Number.POSITIVE_INFINITY,
    );
    expect(answerNeeds(wants, policy, "can you deliver it to my door")).toBe(0.7);
    // "人呢" leaning to a person is not a question about 寄件人/收件人.
    expect(answerNeeds(parsed([["human", 0.58]]), policy, "人呢")).toBe(Number.POSITIVE_INFINITY);
    // A test's higher threshold lifts the others with it.
    expect(answerNeeds(parsed([["none", 0.9]]), { ...policy, threshold: 0.9 })).toBe(0.9);
  });

  it("claims only complaint-worded questions the engine also reads as a question, without a waybill", () => {
    const torn = parsed([
      ["complaint", 0.6],
      ["inquiry", 0.3],
    ]);
    expect(claimNeeds(torn, "上门取件是不是要多收钱", policy)).toBe(0.5);
    expect(claimNeeds(torn, "上门取件多收了我钱", policy)).toBeUndefined();
    expect(
      claimNeeds(
        parsed([
          ["complaint", 0.9],
          ["inquiry", 0.05],
        ]),
        "怎么还没到",
        policy,
      ),
    ).toBeUndefined();
    expect(
      claimNeeds(
        parsed(
          [
            ["complaint", 0.6],
            ["inquiry", 0.3],
          ],
          true,
        ),
        "怎么还没到？",
        policy,
      ),
    ).toBeUndefined();
  });

  it("customerOutcome follows the router: confident other intent → that flow; unsure with a waybill → tracking; else the knowledge base or a question back", () => {
    expect(customerOutcome(parsed([["complaint", 0.95]]), "快递丢了", match(0.9), policy)).toEqual({
      kind: "elsewhere",
      intent: "complaint",
    });
    expect(customerOutcome(parsed([["none", 0.5]], true), "SF1234567890123", match(0.9), policy)).toEqual({
      kind: "elsewhere",
      intent: "track",
    });
    expect(customerOutcome(parsed([["inquiry", 0.95]]), "能寄酒吗", match(0.4), policy)).toEqual({
      kind: "dont_know",
    });
    expect(customerOutcome(parsed([["inquiry", 0.95]]), "能寄酒吗", match(0.55), policy)).toMatchObject({
      kind: "answer",
    });
    expect(customerOutcome(parsed([["none", 0.95]]), "外卖怎么还没到", match(0.6), policy)).toEqual({
      kind: "unsure",
    });
    expect(customerOutcome(parsed([["none", 0.95]]), "去哪里申诉", match(0.97), policy)).toMatchObject({
      kind: "answer",
    });
    expect(
      customerOutcome(
        parsed([
          ["complaint", 0.6],
          ["inquiry", 0.3],
        ]),
        "上门取件是不是要多收钱",
        match(0.6),
        policy,
      ),
    ).toMatchObject({ kind: "answer" });
  });
});
