import { describe, expect, it } from "vitest";
import { answerBudget, splitAnswer } from "../../../src/knowledge/answer.text.js";
import { DEFAULT_ARTICLES } from "../../../src/knowledge/default-articles.js";

describe("channel-sized answers (issue 14)", () => {
  it("every default article's short answer fits two SMS segments and a WeChat text, nothing is lost", () => {
    for (const a of DEFAULT_ARTICLES) {
      for (const channel of ["sms", "wechat_oa", "webchat"]) {
        const { now, rest } = splitAnswer(a.answer, answerBudget(channel));
        expect([...now].length, `${a.title} on ${channel}`).toBeLessThanOrEqual(answerBudget(channel));
        expect(Buffer.byteLength(now, "utf8")).toBeLessThan(2048);
        expect(`${now}${rest}`.replace(/\s/g, "")).toBe(a.answer.replace(/\s/g, ""));
      }
    }
  });

  it("cuts a long first paragraph at a sentence end, the rest goes to 更多", () => {
    const text = `${"第一句话说明规则。".repeat(10)}\n\n细节。`;
    const { now, rest } = splitAnswer(text, 40);
    expect(now.endsWith("。")).toBe(true);
    expect([...now].length).toBeLessThanOrEqual(40);
    expect(rest.endsWith("细节。")).toBe(true);
  });

  it("at least 40 default articles, each citing its source, titles unique", () => {
    expect(DEFAULT_ARTICLES.length).toBeGreaterThanOrEqual(40);
    expect(new Set(DEFAULT_ARTICLES.map((a) => a.title)).size).toBe(DEFAULT_ARTICLES.length);
    for (const a of DEFAULT_ARTICLES) expect(a.source.length, a.title).toBeGreaterThan(3);
  });
});
