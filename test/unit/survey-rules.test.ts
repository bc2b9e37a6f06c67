import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_SURVEY_CONFIG as cfg, loadSurveyConfig, mergeConfig } from "../../src/surveys/survey.config.js";
import {
  isStop,
  nextStep,
  parseAnswer,
  parseOverall,
  parseRatings,
  type Step,
} from "../../src/surveys/survey.rules.js";
import { nextDueAt } from "../../src/surveys/survey.service.js";

const overall = (text: string) => {
  const p = parseOverall(cfg, text);
  return p.ok ? [p.patch.overall, p.patch.stars ?? null] : "no";
};

describe("reading the overall answer on every channel", () => {
  it("understands buttons, words, menu digits and stars", () => {
    expect(overall("满意")).toEqual(["satisfied", null]);
    expect(overall("基本满意")).toEqual(["basically_satisfied", null]);
    expect(overall("不满意")).toEqual(["dissatisfied", null]);
    expect(overall("非常不满意！")).toEqual(["dissatisfied", null]);
    expect(overall("还行吧")).toEqual(["basically_satisfied", null]);
    expect(overall("很满意")).toEqual(["satisfied", null]);
    expect(overall("Dissatisfied")).toEqual(["dissatisfied", null]);
    expect(overall("basically satisfied")).toEqual(["basically_satisfied", null]);
    // SMS/WeChat menu: 1 满意, 2 基本满意, 3 不满意 (full-width digits too).
    expect(overall("1")).toEqual(["satisfied", null]);
    expect(overall("２")).toEqual(["basically_satisfied", null]);
    expect(overall("3")).toEqual(["dissatisfied", null]);
    // Stars: 4–5 satisfied, 3 basically, 1–2 dissatisfied; a bare 4 or 5 can only be stars.
    expect(overall("5")).toEqual(["satisfied", 5]);
    expect(overall("4星")).toEqual(["satisfied", 4]);
    expect(overall("3星")).toEqual(["basically_satisfied", 3]);
    expect(overall("1 star")).toEqual(["dissatisfied", 1]);
    expect(overall("★★")).toEqual(["dissatisfied", 2]);
  });

  it("refuses what is not an answer", () => {
    for (const text of ["", "嗯嗯嗯", "6", "0", "SF1234567890123", "我要投诉", "12", "满意度是什么"])
      expect(overall(text)).toBe("no");
  });

  it("reads every valid answer however it is padded, full-width or punctuated", () => {
    // Valid by construction: each generated input is an answer with a known meaning, so every
    // run checks the reading (an `if (p.ok)` guard held for ~0.5% of arbitrary strings).
    const answers: [string, string, number | null][] = [
      ["满意", "satisfied", null],
      ["很满意", "satisfied", null],
      ["不错", "satisfied", null],
      ["Satisfied", "satisfied", null],
      ["基本满意", "basically_satisfied", null],
      ["还可以", "basically_satisfied", null],
      ["so-so", "basically_satisfied", null],
      ["不满意", "dissatisfied", null],
      ["太差了", "dissatisfied", null],
      ["Dissatisfied", "dissatisfied", null],
      ["1", "satisfied", null],
      ["2", "basically_satisfied", null],
      ["3", "dissatisfied", null],
      ["4", "satisfied", 4],
      ["5", "satisfied", 5],
      ["5星", "satisfied", 5],
      ["4 stars", "satisfied", 4],
      ["3分", "basically_satisfied", 3],
      ["2颗星", "dissatisfied", 2],
      ["1 star", "dissatisfied", 1],
      ["★★★★★", "satisfied", 5],
      ["★★★", "basically_satisfied", 3],
      ["⭐", "dissatisfied", 1],
    ];
    const fullWidth = (t: string) => t.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
    fc.assert(
      fc.property(
        fc.constantFrom(...answers),
        fc.constantFrom("", " ", "\u3000", "\n"),
        fc.constantFrom("", " ", "！", "。", "!", "~", "？", "\u3000"),
        fc.boolean(),
        ([answer, want, stars], before, after, wide) => {
          const p = parseOverall(cfg, before + (wide ? fullWidth(answer) : answer) + after);
          expect(p).toMatchObject({ ok: true, patch: { overall: want } });
          expect(p.ok && (p.patch.stars ?? null)).toBe(stars);
        },
      ),
    );
  });

  it("never throws on arbitrary text, and what it reads is one of the three levels", () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const p = parseOverall(cfg, text);
        expect([false, "satisfied", "basically_satisfied", "dissatisfied"]).toContain(p.ok && p.patch.overall);
      }),
    );
  });
});

describe("the other questions", () => {
  it("reads the three ratings at once, labelled or not", () => {
    expect(parseRatings("5 4 5")).toMatchObject({ ok: true, patch: { speed: 5, effect: 4, attitude: 5 } });
    expect(parseRatings("态度3，速度5，效果4")).toMatchObject({
      ok: true,
      patch: { speed: 5, effect: 4, attitude: 3 },
    });
    expect(parseRatings("都是5分")).toMatchObject({ ok: true, patch: { speed: 5, effect: 5, attitude: 5 } });
    expect(parseRatings("5 4")).toEqual({ ok: false });
    expect(parseRatings("5 4 9")).toEqual({ ok: false });
  });

  it("reads NPS 0–10, yes/no, free text and 跳过", () => {
    expect(parseAnswer(cfg, "nps", "10分")).toMatchObject({ ok: true, patch: { nps: 10 } });
    expect(parseAnswer(cfg, "nps", "0")).toMatchObject({ ok: true, patch: { nps: 0 } });
    expect(parseAnswer(cfg, "nps", "11")).toEqual({ ok: false });
    expect(parseAnswer(cfg, "fcr", "未解决")).toMatchObject({ ok: true, patch: { fcr: false } });
    expect(parseAnswer(cfg, "fcr", "2")).toMatchObject({ ok: true, patch: { fcr: false } });
    expect(parseAnswer(cfg, "fcr", "是的")).toMatchObject({ ok: true, patch: { fcr: true } });
    expect(parseAnswer(cfg, "comment", "没有")).toEqual({ ok: true, patch: {}, value: "" });
    expect(parseAnswer(cfg, "comment", "希望快点")).toMatchObject({ ok: true, patch: { comment: "希望快点" } });
    expect(parseAnswer(cfg, "nps", "跳过")).toEqual({ ok: true, patch: {}, value: "" });
    expect(parseAnswer(cfg, "overall", "跳过")).toEqual({ ok: false });
    expect(isStop("不用了")).toBe(true);
    expect(isStop("STOP")).toBe(true);
    expect(isStop("不满意")).toBe(false);
  });
});

describe("question order", () => {
  const walk = (rich: boolean, o: "satisfied" | "dissatisfied", config = cfg) => {
    const steps: Step[] = [];
    for (let s = nextStep(config, undefined, { rich }); s; s = nextStep(config, s, { rich, overall: o })) steps.push(s);
    return steps;
  };
  it("asks FCR and what went wrong only when not satisfied; ratings at once on web chat", () => {
    expect(walk(true, "satisfied")).toEqual(["overall", "ratings", "nps", "comment"]);
    expect(walk(true, "dissatisfied")).toEqual(["overall", "fcr", "whatWentWrong", "ratings", "nps", "comment"]);
  });
  it("keeps text channels short unless configured to ask each rating", () => {
    expect(walk(false, "satisfied")).toEqual(["overall", "nps", "comment"]);
    const long = mergeConfig(cfg, { askRatingsOnTextChannels: true, steps: { comment: false } });
    expect(walk(false, "satisfied", long)).toEqual(["overall", "speed", "effect", "attitude", "nps"]);
  });
});

describe("survey clocks", () => {
  const base = { sendAt: new Date("2026-03-01T00:00:00Z"), remindedAt: null, answeredAt: null };
  const sentAt = new Date("2026-03-01T00:05:00Z");
  const closesAt = new Date(sentAt.getTime() + 72 * 3_600_000);
  it("sends, reminds after 24 h if nothing was answered, then closes at the window", () => {
    expect(nextDueAt({ ...base, status: "scheduled", sentAt: null, closesAt: null }, cfg)).toEqual(base.sendAt);
    expect(nextDueAt({ ...base, status: "sent", sentAt, closesAt }, cfg)).toEqual(
      new Date(sentAt.getTime() + 24 * 3_600_000),
    );
    expect(nextDueAt({ ...base, status: "sent", sentAt, closesAt, answeredAt: sentAt }, cfg)).toEqual(closesAt);
    expect(nextDueAt({ ...base, status: "sent", sentAt, closesAt, remindedAt: sentAt }, cfg)).toEqual(closesAt);
    expect(nextDueAt({ ...base, status: "completed", sentAt, closesAt }, cfg)).toBeUndefined();
  });
});

describe("survey configuration", () => {
  it("is validated at start and names the bad field", () => {
    expect(() => loadSurveyConfig("/nonexistent/survey.json")).toThrow(/SURVEY_CONFIG_FILE/);
    const merged = mergeConfig(cfg, { texts: { en: { thanks: "Cheers" } }, windowHours: 48 });
    expect(merged.texts.en.thanks).toBe("Cheers");
    expect(merged.texts["zh-CN"].thanks).toBe(cfg.texts["zh-CN"].thanks);
    expect(merged.windowHours).toBe(48);
  });
});
