/**
 * fastText-style classifier (Joulin et al. 2016) over the same sparse TF-IDF vectors as the linear
 * model: each feature has a dense embedding (dimension `dim`), a message is the TF-IDF-weighted sum
 * of its features' embeddings, and a softmax reads that sum. Trained by SGD with a linearly
 * decaying rate and input dropout (each feature of an example left out with probability p, the
 * rest scaled by 1/(1−p)); only the embeddings of the features in an example are touched.
 *
 * There is no non-linearity, so the trained model is a low-rank linear model: scores =
 * x·(E·W) + (b1·W + b2). `foldedWeights()` returns that product, and the engine mixes it into
 * the linear model's weights (issue 16: an ensemble of the two, summed in the log domain, is one
 * linear model), so a parse and the model cache cost exactly what they did before.
 * A ReLU hidden layer was measured too and was worse alone and in the ensemble (intents/README.md).
 */
import { rng, type SparseVec } from "./linear.classifier.js";

export interface EmbeddingTrainOptions {
  /** Embedding dimension (default 64). */
  dim?: number;
  epochs?: number;
  lr?: number;
  seed?: number;
  /** Initial embeddings uniform in ±initScale (default 0.1). */
  initScale?: number;
  /** Probability of dropping each input feature while training (default 0.2). */
  inputDropout?: number;
}

export class EmbeddingBagClassifier {
  /** Row-major [feature][dim]. */
  readonly emb: Float32Array;
  readonly b1: Float32Array;
  /** Row-major [dim][class]. */
  readonly w: Float32Array;
  readonly b: Float32Array;

  constructor(
    readonly nFeatures: number,
    readonly nClasses: number,
    readonly dim = 64,
    seed = 7,
    initScale = 0.1,
  ) {
    const rand = rng(seed + 1000);
    this.emb = new Float32Array(nFeatures * dim);
    for (let k = 0; k < this.emb.length; k++) this.emb[k] = (rand() * 2 - 1) * initScale;
    this.b1 = new Float32Array(dim);
    this.w = new Float32Array(dim * nClasses);
    const s = 1 / Math.sqrt(dim);
    for (let k = 0; k < this.w.length; k++) this.w[k] = (rand() * 2 - 1) * s;
    this.b = new Float32Array(nClasses);
  }

  static create(nFeatures: number, nClasses: number, opts: EmbeddingTrainOptions = {}): EmbeddingBagClassifier {
    return new EmbeddingBagClassifier(nFeatures, nClasses, opts.dim ?? 64, opts.seed ?? 7, opts.initScale ?? 0.1);
  }

  private hidden(x: SparseVec, h: Float64Array, mask?: Uint8Array, keepScale = 1): void {
    const H = this.dim;
    for (let j = 0; j < H; j++) h[j] = this.b1[j]!;
    for (let i = 0; i < x.idx.length; i++) {
      if (mask?.[i]) continue;
      const base = x.idx[i]! * H;
      const v = x.val[i]! * keepScale;
      for (let j = 0; j < H; j++) h[j] = h[j]! + v * this.emb[base + j]!;
    }
  }

  private output(h: Float64Array, o: Float64Array): void {
    const K = this.nClasses;
    for (let c = 0; c < K; c++) o[c] = this.b[c]!;
    for (let j = 0; j < this.dim; j++) {
      const hj = h[j]!;
      const base = j * K;
      for (let c = 0; c < K; c++) o[c] = o[c]! + hj * this.w[base + c]!;
    }
  }

  /** Class scores (before the softmax). */
  scores(x: SparseVec): Float64Array {
    const h = new Float64Array(this.dim);
    const o = new Float64Array(this.nClasses);
    this.hidden(x, h);
    this.output(h, o);
    return o;
  }

  train(xs: readonly SparseVec[], ys: readonly number[], opts: EmbeddingTrainOptions = {}): void {
    const epochs = opts.epochs ?? 10;
    const lr0 = opts.lr ?? 0.2;
    const drop = opts.inputDropout ?? 0.2;
    const keep = 1 / (1 - drop);
    const rand = rng(opts.seed ?? 7);
    const K = this.nClasses;
    const H = this.dim;
    const order = xs.map((_, i) => i);
    const h = new Float64Array(H);
    const o = new Float64Array(K);
    const dh = new Float64Array(H);
    const total = epochs * xs.length;
    let step = 0;
    let mask = new Uint8Array(64);
    for (let ep = 0; ep < epochs; ep++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      for (const n of order) {
        const x = xs[n]!;
        const y = ys[n]!;
        const lr = lr0 * (1 - step++ / total);
        let m: Uint8Array | undefined;
        if (drop > 0) {
          if (mask.length < x.idx.length) mask = new Uint8Array(x.idx.length * 2);
          for (let i = 0; i < x.idx.length; i++) mask[i] = rand() < drop ? 1 : 0;
          m = mask;
        }
        this.hidden(x, h, m, keep);
        this.output(h, o);
        softmaxInPlace(o);
        o[y] = o[y]! - 1; // d loss / d scores
        for (let j = 0; j < H; j++) {
          let s = 0;
          const base = j * K;
          for (let c = 0; c < K; c++) s += this.w[base + c]! * o[c]!;
          dh[j] = s;
        }
        for (let j = 0; j < H; j++) {
          const hj = h[j]!;
          const base = j * K;
          for (let c = 0; c < K; c++) this.w[base + c] = this.w[base + c]! - lr * hj * o[c]!;
        }
        for (let c = 0; c < K; c++) this.b[c] = this.b[c]! - lr * o[c]!;
        for (let j = 0; j < H; j++) this.b1[j] = this.b1[j]! - lr * dh[j]!;
        for (let i = 0; i < x.idx.length; i++) {
          if (m?.[i]) continue;
          const base = x.idx[i]! * H;
          const v = x.val[i]! * keep;
          for (let j = 0; j < H; j++) this.emb[base + j] = this.emb[base + j]! - lr * v * dh[j]!;
        }
      }
    }
  }

  /** The model as one linear layer: w [feature][class] = emb · W, b = b1 · W + b. */
  foldedWeights(): { w: Float64Array; b: Float64Array } {
    const K = this.nClasses;
    const H = this.dim;
    const w = new Float64Array(this.nFeatures * K);
    for (let f = 0; f < this.nFeatures; f++) {
      const eb = f * H;
      const wb = f * K;
      for (let j = 0; j < H; j++) {
        const e = this.emb[eb + j]!;
        const base = j * K;
        for (let c = 0; c < K; c++) w[wb + c] = w[wb + c]! + e * this.w[base + c]!;
      }
    }
    const b = new Float64Array(K);
    for (let c = 0; c < K; c++) {
      let s = this.b[c]!;
      for (let j = 0; j < H; j++) s += this.b1[j]! * this.w[j * K + c]!;
      b[c] = s;
    }
    return { w, b };
  }
}

function softmaxInPlace(o: Float64Array): void {
  let max = -Infinity;
  for (let c = 0; c < o.length; c++) if (o[c]! > max) max = o[c]!;
  let sum = 0;
  for (let c = 0; c < o.length; c++) {
    o[c] = Math.exp(o[c]! - max);
    sum += o[c]!;
  }
  for (let c = 0; c < o.length; c++) o[c] = o[c]! / sum;
}
