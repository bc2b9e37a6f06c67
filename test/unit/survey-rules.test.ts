import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_SURVEY_CONFIG as cfg, loadSurveyConfig, mergeConfig } from "../../src/surveys/survey.config.js";
import {
  isStop,
  nextStep,
  normaliseAnswer,
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
    // "Are you satisfied?" answered in plain words (session 11: "not really…" and "no" were re-asked, then the survey ended).
    expect(overall("not really, it took way too long")).toEqual(["dissatisfied", null]);
    expect(overall("no")).toEqual(["dissatisfied", null]);
    expect(overall("disappointed")).toEqual(["dissatisfied", null]);
    expect(overall("很失望")).toEqual(["dissatisfied", null]);
    expect(overall("不太好")).toEqual(["dissatisfied", null]);
    expect(overall("nothing")).toBe("no");
    // "no problem" / "no complaints" are not a "no".
    expect(overall("no problem")).not.toEqual(["dissatisfied", null]);
    expect(overall("no complaints, thanks")).not.toEqual(["dissatisfied", null]);
    expect(overall("basically satisfied")).toEqual(["basically_satisfied", null]);
    // A yes, with or without a thank-you (session 12: "yes, thanks" was re-asked).
    expect(overall("yes, thanks")).toEqual(["satisfied", null]);
    expect(overall("Yes thank you so much!")).toEqual(["satisfied", null]);
    expect(overall("满意，谢谢")).toEqual(["satisfied", null]);
    expect(overall("是的，谢谢你们")).toEqual(["satisfied", null]);
    expect(overall("谢谢")).toEqual(["satisfied", null]);
    expect(overall("no complaints, thanks")).toEqual(["satisfied", null]);
    expect(overall("没问题")).toEqual(["satisfied", null]);
    const yesBut = parseOverall(cfg, "yes, but it took a while");
    expect(yesBut.ok && yesBut.patch).toEqual({ overall: "satisfied", comment: "yes, but it took a while" });
    for (const question of ["是不是要等很久", "是什么意思", "yesterday it was better"])
      expect(overall(question)).toBe("no");
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

  it("keeps a remark made with the rating as the comment ('还行吧，就是有点慢'), not a bare word", () => {
    const remark = parseOverall(cfg, "还行吧，就是有点慢");
    expect(remark.ok && remark.patch).toEqual({ overall: "basically_satisfied", comment: "还行吧，就是有点慢" });
    const unhappy = parseOverall(cfg, "不满意，快递员态度太差");
    expect(unhappy.ok && unhappy.patch).toMatchObject({ overall: "dissatisfied", comment: "不满意，快递员态度太差" });
    for (const bare of [
      "还行吧",
      "基本满意",
      "比较满意",
      "还算满意吧",
      "不满意！",
      "okay",
      "fairly satisfied",
      "so-so",
    ]) {
      const p = parseOverall(cfg, bare);
      expect(p.ok && p.patch.comment).toBeUndefined();
    }
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

// Boundary cases for the survey reader, one per way it could misread a customer (issue 22:
// each pins a line that mutation testing showed no test depended on).

const overallIn = (text: string, config = cfg) => {
  const p = parseOverall(config, text);
  return p.ok ? [p.patch.overall, p.patch.stars ?? null, p.value] : "no";
};

describe("normalising an answer", () => {
  it("trims both ends, maps full-width forms and the ideographic space, drops trailing punctuation", () => {
    expect(normaliseAnswer("\u3000 满意！！ ")).toBe("满意");
    expect(normaliseAnswer("ＳＦ１２")).toBe("SF12");
    expect(normaliseAnswer("a\u3000b")).toBe("a b");
    expect(normaliseAnswer("好的!!?~")).toBe("好的");
    expect(normaliseAnswer("  5 ")).toBe("5");
  });
});

describe("the overall answer", () => {
  it("matches the configured button labels case-insensitively, whatever they say", () => {
    const custom = mergeConfig(cfg, {
      texts: {
        en: {
          "option.satisfied": "Five Thumbs",
          "option.basically_satisfied": "Meh Enough",
          "option.dissatisfied": "Nope Nope",
        },
      },
    });
    expect(overallIn("five thumbs", custom)).toEqual(["satisfied", null, "satisfied"]);
    expect(overallIn("MEH ENOUGH", custom)).toEqual(["basically_satisfied", null, "basically_satisfied"]);
    expect(overallIn("Nope Nope", custom)).toEqual(["dissatisfied", null, "dissatisfied"]);
    expect(overallIn("five thumbs")).toBe("no");
  });

  it("reads stars only when the whole answer is 1–5 stars", () => {
    expect(overallIn("4星")).toEqual(["satisfied", 4, "4*"]);
    expect(overallIn("5")).toEqual(["satisfied", 5, "5*"]);
    expect(overallIn("2 point")).toEqual(["dissatisfied", 2, "2*"]);
    expect(overallIn("★★ ★")).toEqual(["basically_satisfied", 3, "3*"]);
    expect(overallIn("★★★☆☆")).toEqual(["basically_satisfied", 3, "3*"]);
    for (const text of ["☆", "☆☆☆", "★★★★★★", "good ★", "★ good", "15星", "5星好评"])
      expect(overallIn(text)).toBe("no");
  });

  it("reads words only at the start (negations) or as the whole answer (praise)", () => {
    expect(overallIn("不太满意")).toEqual(["dissatisfied", null, "dissatisfied"]);
    expect(overallIn("满意的")).toEqual(["satisfied", null, "satisfied"]);
    expect(overallIn("happy")).toEqual(["satisfied", null, "satisfied"]);
    expect(overallIn("great")).toEqual(["satisfied", null, "satisfied"]);
    // "very/really satisfied" is praise; it was read as a negation ("very " sat with "dis").
    expect(overallIn("really satisfied")).toEqual(["satisfied", null, "satisfied"]);
    expect(overallIn("Very satisfied!")).toEqual(["satisfied", null, "satisfied"]);
    expect(overallIn("really not satisfied")).toEqual(["dissatisfied", null, "dissatisfied"]);
    expect(overallIn("very dissatisfied")).toEqual(["dissatisfied", null, "dissatisfied"]);
    expect(overallIn("unsatisfied")).toEqual(["dissatisfied", null, "dissatisfied"]);
    expect(overallIn("not satisfied")).toEqual(["dissatisfied", null, "dissatisfied"]);
    // Plainly negative (session 11): was not read at all.
    expect(overallIn("not happy")).toEqual(["dissatisfied", null, "dissatisfied"]);
    expect(overallIn("are you dissatisfied")).toBe("no");
    // Questions and sentences that merely contain a rating word are not answers.
    for (const text of [
      "如果不满意会怎样",
      "速度不差",
      "are you really satisfied",
      "not bad",
      "不是一般的好",
      "not ok",
      "不是很满意吗",
      "good but slow",
    ])
      expect(overallIn(text)).toBe("no");
  });
});

describe("yes/no (was it solved)", () => {
  const fcr = (text: string, config = cfg) => {
    const p = parseAnswer(config, "fcr", text);
    return p.ok ? [p.patch.fcr, p.value] : "no";
  };
  it("matches the configured labels case-insensitively and reports yes/no", () => {
    const custom = mergeConfig(cfg, { texts: { en: { "option.yes": "Fixed It", "option.no": "Still Broken" } } });
    expect(fcr("fixed it", custom)).toEqual([true, "yes"]);
    expect(fcr("STILL BROKEN", custom)).toEqual([false, "no"]);
    expect(fcr("Solved")).toEqual([true, "yes"]);
    expect(fcr("Not Solved")).toEqual([false, "no"]);
  });
  it("reads the usual words as the whole answer only", () => {
    expect(fcr("已经解决")).toEqual([true, "yes"]);
    expect(fcr("已经解决了")).toEqual([true, "yes"]);
    expect(fcr("没")).toEqual([false, "no"]);
    expect(fcr("还没解决")).toEqual([false, "no"]);
    expect(fcr("还没有解决")).toEqual([false, "no"]);
    expect(fcr("不是")).toEqual([false, "no"]);
    for (const text of ["maybe", "10", "不知道有没有", "no idea", "是不是啊"]) expect(fcr(text)).toBe("no");
  });
});

describe("ratings", () => {
  const all = (text: string) => {
    const p = parseAnswer(cfg, "ratings", text);
    return p.ok ? p.value : "no";
  };
  it("reads three 1–5 digits or one digit for all, reported speed/effect/attitude", () => {
    expect(all("5 4 5")).toBe("5/4/5");
    expect(all("速度5 效果4 态度3")).toBe("5/4/3");
    for (const text of [
      "5分",
      "都5分",
      "都是5",
      "全5分",
      "全部5星",
      "all 5",
      "5 stars",
      "5 star",
      "5 point",
      "5 points",
    ])
      expect(all(text)).toBe("5/5/5");
    for (const text of ["12 3", "15 4 3", "51 4 3", "速度5", "5 but slow", "66"]) expect(all(text)).toBe("no");
  });

  it("reads one rating at a time on text channels", () => {
    const one = (step: "speed" | "effect" | "attitude", text: string) => {
      const p = parseAnswer(cfg, step, text);
      return p.ok ? [p.patch, p.value] : "no";
    };
    expect(one("speed", "4")).toEqual([{ speed: 4 }, "4"]);
    expect(one("effect", "3分")).toEqual([{ effect: 3 }, "3"]);
    expect(one("attitude", "4 分")).toEqual([{ attitude: 4 }, "4"]);
    expect(one("speed", "1 star")).toEqual([{ speed: 1 }, "1"]);
    expect(one("speed", "5 stars")).toEqual([{ speed: 5 }, "5"]);
    expect(one("speed", "2 point")).toEqual([{ speed: 2 }, "2"]);
    expect(one("speed", "2 points")).toEqual([{ speed: 2 }, "2"]);
    expect(one("attitude", "★★")).toEqual([{ attitude: 2 }, "2"]);
    expect(one("attitude", "⭐⭐⭐⭐⭐")).toEqual([{ attitude: 5 }, "5"]);
    for (const text of ["15", "51", "6", "★★★★★★", "x★", "★x", "ab", "很快"]) expect(one("speed", text)).toBe("no");
    expect(one("speed", "跳过")).toEqual([{}, ""]);
    expect(parseAnswer(cfg, "speed", "6")).toEqual({ ok: false });
  });
});

describe("NPS, free text and dispatch", () => {
  const nps = (text: string) => {
    const p = parseAnswer(cfg, "nps", text);
    return p.ok ? p.patch.nps : "no";
  };
  it("reads one whole number 0–10 and nothing else", () => {
    expect(nps("打8分")).toBe(8);
    expect(nps("8 分")).toBe(8);
    expect(nps("1 point")).toBe(1);
    expect(nps("9 points")).toBe(9);
    expect(nps("6")).toBe(6);
    for (const text of ["100", "非常好", "8分以上", "x8"]) expect(nps(text)).toBe("no");
    expect(parseAnswer(cfg, "nps", "非常好")).toEqual({ ok: false });
  });

  it("keeps free text trimmed and at most 2,000 characters; blank is not an answer", () => {
    expect(parseAnswer(cfg, "comment", "  希望快点  ")).toEqual({
      ok: true,
      patch: { comment: "希望快点" },
      value: "希望快点",
    });
    expect(parseAnswer(cfg, "comment", "   ")).toEqual({ ok: false });
    expect(parseAnswer(cfg, "whatWentWrong", "")).toEqual({ ok: false });
    const long = "慢".repeat(2100);
    const p = parseAnswer(cfg, "whatWentWrong", long);
    expect(p).toEqual({ ok: true, patch: { whatWentWrong: "慢".repeat(2000) }, value: "慢".repeat(2000) });
    expect(parseAnswer(cfg, "whatWentWrong", "没有")).toEqual({ ok: true, patch: {}, value: "" });
  });

  it("reads each step with its own reader", () => {
    expect(parseAnswer(cfg, "overall", "满意")).toEqual({
      ok: true,
      patch: { overall: "satisfied" },
      value: "satisfied",
    });
    expect(parseAnswer(cfg, "overall", "已解决")).toEqual({ ok: false });
    expect(parseAnswer(cfg, "fcr", "满意")).toEqual({ ok: false });
  });
});

describe("question order when steps are turned off", () => {
  const walk = (config: typeof cfg, rich: boolean, o: "satisfied" | "dissatisfied") => {
    const steps: Step[] = [];
    for (let s = nextStep(config, undefined, { rich }); s; s = nextStep(config, s, { rich, overall: o })) steps.push(s);
    return steps;
  };
  it("skips each step the configuration turns off", () => {
    expect(walk(mergeConfig(cfg, { steps: { fcr: false } }), true, "dissatisfied")).toEqual([
      "overall",
      "whatWentWrong",
      "ratings",
      "nps",
      "comment",
    ]);
    expect(walk(mergeConfig(cfg, { steps: { whatWentWrong: false, nps: false } }), true, "dissatisfied")).toEqual([
      "overall",
      "fcr",
      "ratings",
      "comment",
    ]);
    expect(walk(mergeConfig(cfg, { steps: { ratings: false } }), true, "satisfied")).toEqual([
      "overall",
      "nps",
      "comment",
    ]);
  });
  it("a step not in this survey's order has no next step", () => {
    expect(nextStep(cfg, "fcr", { rich: true, overall: "satisfied" })).toBeUndefined();
    expect(nextStep(cfg, "speed", { rich: true, overall: "satisfied" })).toBeUndefined();
  });
});
