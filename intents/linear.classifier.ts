/**
 * Sparse TF-IDF vectoriser and multinomial logistic regression (softmax), trained by
 * SGD with L2. Chosen over a linear SVM because its probabilities are usable as
 * confidence without a separate calibration step (see README).
 */

export interface SparseVec {
  idx: Int32Array;
  val: Float32Array;
}

export interface VectoriserSnapshot {
  /** Tokens in feature-index order. */
  vocab: string[];
  idf: Float32Array;
}

export interface ClassifierSnapshot {
  nFeatures: number;
  nClasses: number;
  loss: "softmax" | "hinge";
  /** Row-major [feature][class]. */
  w: Float32Array;
  b: Float32Array;
}

export class TfidfVectoriser {
  readonly vocab = new Map<string, number>();
  idf: Float32Array = new Float32Array(0);

  snapshot(): VectoriserSnapshot {
    return { vocab: [...this.vocab.keys()], idf: this.idf };
  }

  static fromSnapshot(s: VectoriserSnapshot): TfidfVectoriser {
    if (s.vocab.length !== s.idf.length) throw new Error("vectoriser snapshot: vocab/idf length mismatch");
    const v = new TfidfVectoriser();
    for (let i = 0; i < s.vocab.length; i++) v.vocab.set(s.vocab[i]!, i);
    if (v.vocab.size !== s.vocab.length) throw new Error("vectoriser snapshot: duplicate tokens");
    v.idf = s.idf;
    return v;
  }

  fit(docs: readonly string[][], minDf = 1): void {
    const df = new Map<string, number>();
    for (const d of docs) for (const t of new Set(d)) df.set(t, (df.get(t) ?? 0) + 1);
    const idf: number[] = [];
    for (const [t, n] of df) {
      if (n < minDf) continue;
      this.vocab.set(t, idf.length);
      idf.push(Math.log((docs.length + 1) / (n + 1)) + 1);
    }
    this.idf = Float32Array.from(idf);
  }

  transform(tokens: readonly string[]): SparseVec {
    const tf = new Map<number, number>();
    for (const t of tokens) {
      const i = this.vocab.get(t);
      if (i !== undefined) tf.set(i, (tf.get(i) ?? 0) + 1);
    }
    const idx = new Int32Array(tf.size);
    const val = new Float32Array(tf.size);
    let k = 0;
    let norm = 0;
    for (const [i, n] of tf) {
      const v = (1 + Math.log(n)) * (this.idf[i] ?? 1);
      idx[k] = i;
      val[k] = v;
      norm += v * v;
      k++;
    }
    norm = Math.sqrt(norm) || 1;
    for (let j = 0; j < val.length; j++) val[j] = val[j]! / norm;
    return { idx, val };
  }
}

export interface TrainOptions {
  epochs?: number;
  lr?: number;
  l2?: number;
  seed?: number;
  loss?: "softmax" | "hinge";
  /**
   * NB-weighted logistic regression (Wang & Manning 2012): per feature and class, the input is
   * x_j · scale[j·K + c] while training (see nbRatios); the scale is folded into the weights at the
   * end, so prediction and the snapshot are those of a plain linear model.
   */
  scale?: Float32Array;
}

/**
 * Naive-Bayes log-count ratios, one per feature and class, from binarised features:
 * r_jc = log((α + n_jc) / Σ_j(α + n_jc)) − log((α + m_jc) / Σ_j(α + m_jc)), n = documents of
 * class c with feature j, m = documents of the other classes. Returned as a training scale
 * 1 + β·|r_jc| / mean|r| (≥ 1), so features that tell a class apart learn faster and weigh more
 * for the same L2 cost; β = 0 is plain logistic regression.
 */
export function nbScale(
  xs: readonly SparseVec[],
  ys: readonly number[],
  nFeatures: number,
  nClasses: number,
  beta: number,
  alpha = 1,
): Float32Array {
  const K = nClasses;
  const n = new Float64Array(nFeatures * K);
  const tot = new Float64Array(nFeatures);
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    for (let j = 0; j < x.idx.length; j++) {
      n[x.idx[j]! * K + ys[i]!]! += 1;
      tot[x.idx[j]!]! += 1;
    }
  }
  const sumN = new Float64Array(K);
  const sumM = new Float64Array(K);
  for (let f = 0; f < nFeatures; f++)
    for (let c = 0; c < K; c++) {
      sumN[c]! += alpha + n[f * K + c]!;
      sumM[c]! += alpha + tot[f]! - n[f * K + c]!;
    }
  const r = new Float32Array(nFeatures * K);
  let mean = 0;
  for (let f = 0; f < nFeatures; f++)
    for (let c = 0; c < K; c++) {
      const v = Math.abs(
        Math.log((alpha + n[f * K + c]!) / sumN[c]!) - Math.log((alpha + tot[f]! - n[f * K + c]!) / sumM[c]!),
      );
      r[f * K + c] = v;
      mean += v;
    }
  mean = mean / (r.length || 1) || 1;
  for (let k = 0; k < r.length; k++) r[k] = 1 + (beta * r[k]!) / mean;
  return r;
}

/** Deterministic PRNG (mulberry32) so training is reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class LinearClassifier {
  readonly w: Float32Array;
  readonly b: Float32Array;
  constructor(
    readonly nFeatures: number,
    readonly nClasses: number,
    readonly loss: "softmax" | "hinge" = "softmax",
    weights?: { w: Float32Array; b: Float32Array },
  ) {
    this.w = weights?.w ?? new Float32Array(nFeatures * nClasses);
    this.b = weights?.b ?? new Float32Array(nClasses);
  }

  snapshot(): ClassifierSnapshot {
    return { nFeatures: this.nFeatures, nClasses: this.nClasses, loss: this.loss, w: this.w, b: this.b };
  }

  static fromSnapshot(s: ClassifierSnapshot): LinearClassifier {
    if (s.w.length !== s.nFeatures * s.nClasses || s.b.length !== s.nClasses)
      throw new Error("classifier snapshot: shape mismatch");
    return new LinearClassifier(s.nFeatures, s.nClasses, s.loss, { w: s.w, b: s.b });
  }

  scores(x: SparseVec, out = new Float64Array(this.nClasses)): Float64Array {
    const K = this.nClasses;
    for (let c = 0; c < K; c++) out[c] = this.b[c]!;
    for (let j = 0; j < x.idx.length; j++) {
      const base = x.idx[j]! * K;
      const v = x.val[j]!;
      for (let c = 0; c < K; c++) out[c] = out[c]! + v * this.w[base + c]!;
    }
    return out;
  }

  /** Class probabilities (softmax of scores; for hinge a softmax of margins, uncalibrated). */
  predict(x: SparseVec): Float64Array {
    const s = this.scores(x);
    return softmax(s, this.loss === "hinge" ? 4 : 1);
  }

  train(xs: readonly SparseVec[], ys: readonly number[], opts: TrainOptions = {}): void {
    const epochs = opts.epochs ?? 30;
    const lr0 = opts.lr ?? 0.5;
    const l2 = opts.l2 ?? 1e-5;
    const rand = rng(opts.seed ?? 42);
    const K = this.nClasses;
    const scale = opts.scale;
    const order = xs.map((_, i) => i);
    const g = new Float64Array(K);
    const s = new Float64Array(K);
    let step = 0;
    // Lazy L2: scale factor kept separately would be faster; corpus is small, so plain decay per touched feature.
    for (let ep = 0; ep < epochs; ep++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      for (const n of order) {
        const x = xs[n]!;
        const y = ys[n]!;
        const lr = lr0 / (1 + (0.02 * step++) / 100);
        if (scale) {
          for (let c = 0; c < K; c++) s[c] = this.b[c]!;
          for (let j = 0; j < x.idx.length; j++) {
            const base = x.idx[j]! * K;
            for (let c = 0; c < K; c++) s[c] = s[c]! + x.val[j]! * scale[base + c]! * this.w[base + c]!;
          }
        } else this.scores(x, s);
        if (this.loss === "softmax") {
          let max = -Infinity;
          for (let c = 0; c < K; c++) if (s[c]! > max) max = s[c]!;
          let sum = 0;
          for (let c = 0; c < K; c++) {
            const e = Math.exp(s[c]! - max);
            g[c] = e;
            sum += e;
          }
          for (let c = 0; c < K; c++) g[c] = g[c]! / sum - (c === y ? 1 : 0);
        } else {
          // Crammer–Singer style: push the true class above the best wrong one by a margin of 1.
          g.fill(0);
          let worst = -1;
          let ws = -Infinity;
          for (let c = 0; c < K; c++) {
            if (c !== y && s[c]! > ws) {
              ws = s[c]!;
              worst = c;
            }
          }
          if (s[y]! - ws < 1) {
            g[y] = -1;
            g[worst] = 1;
          }
        }
        for (let c = 0; c < K; c++) this.b[c] = this.b[c]! - lr * g[c]! * 0.1;
        const decay = 1 - lr * l2;
        const w = this.w;
        for (let j = 0; j < x.idx.length; j++) {
          const base = x.idx[j]! * K;
          const lv = lr * x.val[j]!;
          if (scale) for (let c = 0; c < K; c++) w[base + c] = w[base + c]! * decay - lv * scale[base + c]! * g[c]!;
          else for (let c = 0; c < K; c++) w[base + c] = w[base + c]! * decay - lv * g[c]!;
        }
      }
    }
    if (scale) for (let k = 0; k < this.w.length; k++) this.w[k] = this.w[k]! * scale[k]!;
  }
}

export function softmax(s: Float64Array, temperature: number): Float64Array {
  let max = -Infinity;
  for (const v of s) if (v > max) max = v;
  const out = new Float64Array(s.length);
  let sum = 0;
  for (let c = 0; c < s.length; c++) {
    const e = Math.exp((s[c]! - max) * temperature);
    out[c] = e;
    sum += e;
  }
  for (let c = 0; c < s.length; c++) out[c] = out[c]! / sum;
  return out;
}
