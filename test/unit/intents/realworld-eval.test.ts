import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadTrainingCorpus, parseJsonl, realWorldFile } from "../../../intents/corpus.loader.js";
import { formatGoals, type Prediction } from "../../../intents/eval.runner.js";
import { CATEGORY_CODES, INTENTS, normaliseText } from "../../../intents/index.js";

const raw = readFileSync(realWorldFile(), "utf8");
const set = parseJsonl(raw);

describe("real customers' words: the evaluation set of issue 16", () => {
  it("has ≥ 400 messages over every intent and complaint category, ~15% English/traditional/Cantonese, ~10% near-domain off-topic, each with a listed source", () => {
    expect(set.length).toBeGreaterThanOrEqual(400);
    for (const intent of INTENTS)
      expect(
        set.some((e) => e.intent === intent),
        intent,
      ).toBe(true);
    for (const code of CATEGORY_CODES)
      expect(
        set.some((e) => e.category === code),
        code,
      ).toBe(true);
    const foreign = set.filter((e) => e.lang && e.lang !== "zh").length / set.length;
    expect(foreign).toBeGreaterThanOrEqual(0.15);
    expect(set.filter((e) => e.kind === "near-domain").length / set.length).toBeGreaterThanOrEqual(0.06);
    const listed = new Set([...raw.matchAll(/^\/\/ (S\d+):/gm)].map((m) => m[1]));
    for (const line of raw.split("\n").filter((l) => l.startsWith("{")))
      expect(listed.has((JSON.parse(line) as { source: string }).source), line).toBe(true);
  });

  it("no message of it or of the tuning set is in the training corpus (the model never trains on them)", () => {
    const key = (t: string) => normaliseText(t).replace(/\s+/g, "");
    const train = new Set(loadTrainingCorpus().map((e) => key(e.text)));
    expect(set.filter((e) => train.has(key(e.text))).map((e) => e.text)).toEqual([]);
    const evalTexts = new Set(set.map((e) => key(e.text)));
    for (const [file, min] of [
      ["tuning.jsonl", 100],
      ["tuning2.jsonl", 50],
      ["tuning3.jsonl", 80],
      ["tuning4.jsonl", 150],
    ] as const) {
      const tuning = parseJsonl(readFileSync(new URL(`../../../intents/eval/${file}`, import.meta.url), "utf8"));
      expect(tuning.length, file).toBeGreaterThanOrEqual(min);
      expect(tuning.filter((e) => train.has(key(e.text))).map((e) => e.text)).toEqual([]);
      expect(tuning.filter((e) => evalTexts.has(key(e.text))).map((e) => e.text)).toEqual([]);
    }
  });

  it("the goal table marks each figure against its goal and lists the confident errors", () => {
    const p = (intent: string, name: string, confidence: number): Prediction => ({
      ex: { text: `${intent}→${name}`, intent: intent as never },
      res: { intent: { name: name as never, confidence }, ranking: [], entities: [] },
    });
    const out = formatGoals("t", [p("none", "none", 0.9), p("none", "complaint", 0.95), p("track", "track", 0.5)]);
    expect(out).toMatch(/intent accuracy\s+66\.7%\s+goal ≥\s+97\.0%\s+BELOW/);
    expect(out).toMatch(/off-topic → none\s+50\.0%/);
    expect(out).toMatch(/right when confident \(≥ 0\.85\)\s+50\.0%/);
    expect(out).toContain("none/ → complaint/ 0.95  none→complaint");
  });
});

describe("complaint category second stage (issue 16)", () => {
  it("a signature the customer disowns is DELIVERY_SERVICE; a loss the tracking reports, or signed but not received, is LOSS; else the model decides", async () => {
    const { categoryRule } = await import("../../../intents/intent.rules.js");
    const n = (t: string) => normaliseText(t);
    expect(categoryRule(n("物流显示本人签收，可不是我签的"))).toBe("DELIVERY_SERVICE");
    expect(categoryRule(n("显示已签收，谁签的？"))).toBe("DELIVERY_SERVICE");
    expect(categoryRule(n("tracking says delivered and signed by me, I never signed"))).toBe("DELIVERY_SERVICE");
    expect(categoryRule(n("物流显示丢件了"))).toBe("LOSS");
    expect(categoryRule(n("查物流写着遗失"))).toBe("LOSS");
    // A plain "signed but not received" (no signature disowned) is LOSS by domain.md's category table.
    expect(categoryRule(n("显示签收了，可我压根没拿到东西"))).toBe("LOSS");
    expect(categoryRule(n("物流三天没更新"))).toBeUndefined();
  });
});
