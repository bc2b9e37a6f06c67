import { describe, expect, it } from "vitest";
import { LinearClassifier, nbScale, rng, softmax, TfidfVectoriser } from "../../../intents/linear.classifier.js";

// linear.classifier.ts: the model's arithmetic, checked on cases small enough to work by hand.
const vec = (idx: number[], val: number[]) => ({ idx: Int32Array.from(idx), val: Float32Array.from(val) });

describe("TfidfVectoriser", () => {
  const docs = [["a", "b"], ["a"], ["a", "c", "c"]];
  it("idf is ln((N+1)/(df+1)) + 1, counting a token once per document; minDf drops rare tokens", () => {
    const v = new TfidfVectoriser();
    v.fit(docs);
    expect([...v.vocab.keys()]).toEqual(["a", "b", "c"]);
    expect(v.idf[0]).toBeCloseTo(1, 6);
    expect(v.idf[1]).toBeCloseTo(Math.log(4 / 2) + 1, 6);
    expect(v.idf[2]).toBeCloseTo(Math.log(4 / 2) + 1, 6);
    const rare = new TfidfVectoriser();
    rare.fit(docs, 2);
    expect([...rare.vocab.keys()]).toEqual(["a"]);
    expect(rare.idf.length).toBe(1);
  });
  it("transform: sublinear tf × idf, L2-normalised; unknown tokens ignored", () => {
    const v = new TfidfVectoriser();
    v.fit(docs);
    const x = v.transform(["b", "a", "a", "zzz"]);
    expect(Array.from(x.idx)).toEqual([1, 0]);
    const vb = 1 * (Math.log(2) + 1);
    const va = 1 + Math.log(2);
    const n = Math.sqrt(va * va + vb * vb);
    expect(x.val[0]).toBeCloseTo(vb / n, 6);
    expect(x.val[1]).toBeCloseTo(va / n, 6);
    const none = v.transform(["zzz"]);
    expect(none.idx.length).toBe(0);
    expect(none.val.length).toBe(0);
  });
  it("snapshot round trip; a damaged snapshot is refused", () => {
    const v = new TfidfVectoriser();
    v.fit(docs);
    const back = TfidfVectoriser.fromSnapshot(v.snapshot());
    expect([...back.vocab.entries()]).toEqual([...v.vocab.entries()]);
    expect(Array.from(back.transform(["c"]).val)).toEqual(Array.from(v.transform(["c"]).val));
    expect(() => TfidfVectoriser.fromSnapshot({ vocab: ["a"], idf: new Float32Array(2) })).toThrow(/length mismatch/);
    expect(() => TfidfVectoriser.fromSnapshot({ vocab: ["a", "a"], idf: new Float32Array(2) })).toThrow(/duplicate/);
  });
});

describe("rng (mulberry32)", () => {
  it("is reproducible per seed, in [0, 1), and differs between seeds", () => {
    const a = rng(42);
    const b = rng(42);
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
    expect(new Set(xs).size).toBe(5);
    expect(rng(43)()).not.toBe(xs[0]);
    // mulberry32's published first output for seed 1.
    expect(rng(1)()).toBeCloseTo(0.6270739405881613, 12);
  });
});

describe("softmax", () => {
  it("sums to 1, orders like the scores, sharpens with temperature", () => {
    const p = softmax(Float64Array.from([1, 0]), 1);
    expect(p[0]).toBeCloseTo(1 / (1 + Math.exp(-1)), 12);
    expect(p[1]).toBeCloseTo(1 - p[0]!, 12);
    const q = softmax(Float64Array.from([1, 0]), 4);
    expect(q[0]).toBeCloseTo(1 / (1 + Math.exp(-4)), 12);
    const big = softmax(Float64Array.from([1000, 999]), 1);
    expect(big[0]).toBeCloseTo(1 / (1 + Math.exp(-1)), 12);
  });
});

describe("LinearClassifier", () => {
  it("scores = b + Σ x·w; predict is their softmax (temperature 4 for hinge)", () => {
    const w = Float32Array.from([1, -1, 0.5, 2]); // feature 0: [1, -1], feature 1: [0.5, 2]
    const b = Float32Array.from([0.25, -0.25]);
    const m = new LinearClassifier(2, 2, "softmax", { w, b });
    const s = m.scores(vec([0, 1], [0.5, 1]));
    expect(s[0]).toBeCloseTo(0.25 + 0.5 * 1 + 1 * 0.5, 6);
    expect(s[1]).toBeCloseTo(-0.25 - 0.5 + 2, 6);
    const p = m.predict(vec([0, 1], [0.5, 1]));
    expect(p[1]).toBeCloseTo(1 / (1 + Math.exp(-(1.25 - 1.25 + 0))), 6);
    const m2 = new LinearClassifier(2, 2, "hinge", { w, b });
    const p2 = m2.predict(vec([0], [1]));
    expect(p2[0]).toBeCloseTo(1 / (1 + Math.exp(-4 * (1.25 - -1.25))), 6);
  });
  it("snapshot round trip; a wrong shape is refused", () => {
    const m = new LinearClassifier(2, 3);
    expect(m.w.length).toBe(6);
    expect(m.b.length).toBe(3);
    const back = LinearClassifier.fromSnapshot(m.snapshot());
    expect(back.loss).toBe("softmax");
    expect(back.nFeatures).toBe(2);
    expect(() => LinearClassifier.fromSnapshot({ ...m.snapshot(), w: new Float32Array(5) })).toThrow(/shape/);
    expect(() => LinearClassifier.fromSnapshot({ ...m.snapshot(), b: new Float32Array(2) })).toThrow(/shape/);
  });
  it("softmax training: one SGD step from zero, worked by hand", () => {
    const m = new LinearClassifier(2, 2, "softmax");
    m.train([vec([0], [1])], [0], { epochs: 1, lr: 0.5, l2: 0.1 });
    // p = [0.5, 0.5], gradient [-0.5, 0.5], lr 0.5; bias step ×0.1.
    expect(Array.from(m.b)).toEqual([0.025, -0.025].map(Math.fround));
    expect(m.w[0]).toBeCloseTo(0.25, 6);
    expect(m.w[1]).toBeCloseTo(-0.25, 6);
    expect(m.w[2]).toBe(0);
    // Second step: lr decays to 0.5 / (1 + 0.02/100), weights decay by (1 - lr·l2) before the step.
    m.train([vec([0], [1])], [0], { epochs: 1, lr: 0.5, l2: 0.1 });
    const lr = 0.5; // a new train() call restarts the schedule
    const p0 = 1 / (1 + Math.exp(-(2 * 0.025 + 2 * 0.25)));
    expect(m.w[0]).toBeCloseTo(0.25 * (1 - lr * 0.1) - lr * (p0 - 1), 5);
    expect(m.b[1]).toBeCloseTo(-0.025 - lr * (1 - p0) * 0.1, 6);
  });
  it("softmax training over epochs: the learning rate decays with each step", () => {
    const m = new LinearClassifier(1, 2, "softmax");
    m.train([vec([0], [1])], [0], { epochs: 2, lr: 0.5, l2: 0 });
    const b1 = 0.025;
    const w1 = 0.25;
    const p0 = 1 / (1 + Math.exp(-2 * (b1 + w1)));
    const lr1 = 0.5 / (1 + 0.02 / 100);
    expect(m.w[0]).toBeCloseTo(w1 + lr1 * (1 - p0), 6);
  });
  it("hinge training: a wrong or narrow margin moves the true class up and the best wrong one down", () => {
    const m = new LinearClassifier(1, 3, "hinge");
    m.b[2] = 0.5; // class 2 is the best wrong class
    m.train([vec([0], [1])], [0], { epochs: 1, lr: 0.5, l2: 0 });
    expect(m.w[0]).toBeCloseTo(0.5, 6);
    expect(m.w[1]).toBeCloseTo(0, 6);
    expect(m.w[2]).toBeCloseTo(-0.5, 6);
    expect(m.b[0]).toBeCloseTo(0.05, 6);
    expect(m.b[2]).toBeCloseTo(0.45, 6);
  });
  it("hinge training: a margin of at least 1 leaves the weights alone but for L2 decay", () => {
    const w = Float32Array.from([2, -2]);
    const m = new LinearClassifier(1, 2, "hinge", { w, b: new Float32Array(2) });
    m.train([vec([0], [1])], [0], { epochs: 1, lr: 0.5, l2: 0.1 });
    expect(m.w[0]).toBeCloseTo(2 * (1 - 0.05), 6);
    expect(m.w[1]).toBeCloseTo(-2 * (1 - 0.05), 6);
    expect(Array.from(m.b)).toEqual([0, 0]);
  });
  it("learns a separable toy problem with the default options, reproducibly", () => {
    const xs = [vec([0], [1]), vec([1], [1]), vec([0, 2], [0.6, 0.8]), vec([1, 2], [0.6, 0.8])];
    const ys = [0, 1, 0, 1];
    const a = new LinearClassifier(3, 2);
    a.train(xs, ys);
    const b = new LinearClassifier(3, 2);
    b.train(xs, ys);
    expect(Array.from(a.w)).toEqual(Array.from(b.w));
    for (let i = 0; i < xs.length; i++) expect(a.predict(xs[i]!)[ys[i]!]).toBeGreaterThan(0.9);
    const c = new LinearClassifier(3, 2);
    c.train(xs, ys, { seed: 7 });
    expect(Array.from(c.w)).not.toEqual(Array.from(a.w));
  });
});

describe("NB-weighted logistic regression (issue 16)", () => {
  // Feature 0 only in class 0, feature 1 only in class 1, feature 2 in both.
  const xs = [vec([0, 2], [0.8, 0.6]), vec([0, 2], [0.8, 0.6]), vec([1, 2], [0.8, 0.6]), vec([1, 2], [0.8, 0.6])];
  const ys = [0, 0, 1, 1];
  it("nbScale: 1 + β·|log-count ratio| / mean; a feature that tells the classes apart weighs more than a shared one", () => {
    const s = nbScale(xs, ys, 3, 2, 1);
    // Binarised counts with α = 1: feature 0 is in 2 of class 0's documents and none of class 1's.
    const sum = 2 + 1 + 3; // Σ_j (α + n_j) for either class (and for its complement)
    const r0 = Math.abs(Math.log(3 / sum) - Math.log(1 / sum));
    const mean = (4 * r0 + 0 + 0) / 6;
    expect(s[0 * 2 + 0]).toBeCloseTo(1 + r0 / mean, 5);
    expect(s[2 * 2 + 0]).toBeCloseTo(1, 6); // shared feature: ratio 0
    expect(s[0 * 2 + 0]!).toBeGreaterThan(s[2 * 2 + 0]!);
    expect(Array.from(nbScale(xs, ys, 3, 2, 0))).toEqual([1, 1, 1, 1, 1, 1]);
  });
  it("the training scale is folded into the weights: prediction is a plain linear model's", () => {
    const scale = nbScale(xs, ys, 3, 2, 1);
    const m = new LinearClassifier(3, 2);
    m.train([xs[0]!], [0], { epochs: 1, lr: 0.5, l2: 0, scale });
    // One step from zero: p = [0.5, 0.5], input x·scale, gradient −0.5 for class 0; folded: w = lr·0.5·x·scale².
    expect(m.w[0]).toBeCloseTo(0.5 * 0.5 * 0.8 * scale[0]! * scale[0]!, 5);
    expect(m.w[4]).toBeCloseTo(0.5 * 0.5 * 0.6 * scale[4]! * scale[4]!, 5);
    // Class 1 moves the other way, by its own scale (feature 0's class-1 entry).
    expect(m.w[1]).toBeCloseTo(-0.5 * 0.5 * 0.8 * scale[1]! * scale[1]!, 5);
    expect(m.w[5]).toBeCloseTo(-0.5 * 0.5 * 0.6 * scale[5]! * scale[5]!, 5);
    const plain = new LinearClassifier(3, 2);
    plain.train([xs[0]!], [0], { epochs: 1, lr: 0.5, l2: 0 });
    expect(m.w[0]!).toBeGreaterThan(plain.w[0]!);
  });

  it("nbScale on three classes: every feature × class entry from counts taken by hand", () => {
    // d0 {0,1} → class 0, d1 {0} → class 0, d2 {1,2} → class 1, d3 {2} → class 2 (values do not matter: binarised).
    const docs = [vec([0, 1], [0.6, 0.8]), vec([0], [1]), vec([1, 2], [0.8, 0.6]), vec([2], [1])];
    const labels = [0, 0, 1, 2];
    // n[f][c]: documents of class c holding feature f; m[f][c]: documents of the other classes holding it.
    const n = [
      [2, 0, 0],
      [1, 1, 0],
      [0, 1, 1],
    ];
    const m = [
      [0, 2, 2],
      [1, 1, 2],
      [2, 1, 1],
    ];
    const sumN = [6, 5, 4]; // Σ_f (1 + n[f][c])
    const sumM = [6, 7, 8]; // Σ_f (1 + m[f][c])
    const r = n.map((row, f) =>
      row.map((nfc, c) => Math.abs(Math.log((1 + nfc) / sumN[c]!) - Math.log((1 + m[f]![c]!) / sumM[c]!))),
    );
    const mean = r.flat().reduce((a, b) => a + b, 0) / 9;
    const beta = 0.5;
    const got = Array.from(nbScale(docs, labels, 3, 3, beta));
    const want = r.flat().map((v) => 1 + (beta * v) / mean);
    expect(got).toHaveLength(9);
    for (let k = 0; k < 9; k++) expect(got[k]).toBeCloseTo(want[k]!, 5);
    // Feature 0 (only in class 0) weighs most for class 0; the smoothing α changes the figures.
    expect(got[0]).toBe(Math.max(...got));
    expect(Array.from(nbScale(docs, labels, 3, 3, beta, 2))).not.toEqual(got);
  });

  it("NB-weighted training is plain training on inputs scaled by the NB factor, folded back (several epochs, with L2)", () => {
    // With a scale that is the same for every class of a feature (a_j), training on x_j with scale a_j is exactly
    // plain training on x_j·a_j, its weights then multiplied by a_j: both follow the same SGD path, L2 decay included.
    const docs = [vec([0, 2], [0.8, 0.6]), vec([1, 2], [0.6, 0.8]), vec([0, 1], [0.28, 0.96]), vec([2], [1])];
    const labels = [0, 1, 1, 2];
    const a = [2.5, 1, 1.75];
    const K = 3;
    const scale = Float32Array.from({ length: 3 * K }, (_, k) => a[Math.floor(k / K)]!);
    const opts = { epochs: 4, lr: 0.8, l2: 0.05, seed: 3 };
    const nb = new LinearClassifier(3, K);
    nb.train(docs, labels, { ...opts, scale });
    const scaledDocs = docs.map((x) =>
      vec(
        Array.from(x.idx),
        Array.from(x.idx, (j, i) => x.val[i]! * a[j]!),
      ),
    );
    const plain = new LinearClassifier(3, K);
    plain.train(scaledDocs, labels, opts);
    for (let k = 0; k < nb.w.length; k++) expect(nb.w[k]).toBeCloseTo(plain.w[k]! * a[Math.floor(k / K)]!, 5);
    for (let c = 0; c < K; c++) expect(nb.b[c]).toBeCloseTo(plain.b[c]!, 6);
    // And it is not plain training on the unscaled inputs.
    const unscaled = new LinearClassifier(3, K);
    unscaled.train(docs, labels, opts);
    expect(Math.abs(nb.w[0]! - unscaled.w[0]!)).toBeGreaterThan(0.05);
  });
});
