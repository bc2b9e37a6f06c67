import { describe, expect, it } from "vitest";
import { EmbeddingBagClassifier } from "../../../intents/embedding.classifier.js";

// embedding.classifier.ts: the fastText-style ensemble member of the intent model (issue 16).
const vec = (idx: number[], val: number[]) => ({ idx: Int32Array.from(idx), val: Float32Array.from(val) });
const xs = [vec([0, 1], [0.8, 0.6]), vec([1, 2], [0.6, 0.8]), vec([3], [1]), vec([0, 3], [0.6, 0.8])];
const ys = [0, 1, 2, 0];

describe("EmbeddingBagClassifier", () => {
  it("learns a separable toy set", () => {
    const m = EmbeddingBagClassifier.create(4, 3, { dim: 8, inputDropout: 0 });
    m.train(xs, ys, { epochs: 60, lr: 0.5, inputDropout: 0 });
    for (let i = 0; i < xs.length; i++) {
      const s = Array.from(m.scores(xs[i]!));
      expect(s.indexOf(Math.max(...s))).toBe(ys[i]);
    }
  });
  it("foldedWeights is the same model as one linear layer: x·W + b equals its scores", () => {
    const m = EmbeddingBagClassifier.create(4, 3, { dim: 5 });
    m.train(xs, ys, { epochs: 5 });
    const { w, b } = m.foldedWeights();
    for (const x of xs) {
      const s = m.scores(x);
      for (let c = 0; c < 3; c++) {
        let v = b[c]!;
        for (let j = 0; j < x.idx.length; j++) v += x.val[j]! * w[x.idx[j]! * 3 + c]!;
        expect(v).toBeCloseTo(s[c]!, 5);
      }
    }
  });
  it("training is deterministic for a seed", () => {
    const a = EmbeddingBagClassifier.create(4, 3, { seed: 3 });
    const b = EmbeddingBagClassifier.create(4, 3, { seed: 3 });
    a.train(xs, ys, { seed: 3 });
    b.train(xs, ys, { seed: 3 });
    expect(Array.from(a.foldedWeights().w)).toEqual(Array.from(b.foldedWeights().w));
  });
});
