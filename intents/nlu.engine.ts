import type { Example } from "./corpus.loader.js";
import { EmbeddingBagClassifier, type EmbeddingTrainOptions } from "./embedding.classifier.js";
import { extractFromNormalised } from "./entity.extractor.js";
import { categoryCueTokens, featureTokens, toUnits } from "./feature.tokeniser.js";
import {
  asksForCompensation,
  asksIfScam,
  categoryRule,
  deniesComplaintThenAsks,
  explicitRequest,
  praisesPersonThenFault,
  ruleDecision,
} from "./intent.rules.js";
import {
  type ClassifierSnapshot,
  LinearClassifier,
  nbScale,
  type SparseVec,
  TfidfVectoriser,
  type TrainOptions,
  type VectoriserSnapshot,
} from "./linear.classifier.js";
import {
  CATEGORY_CODES,
  type CategoryCode,
  INTENTS,
  type IntentName,
  type Nlu,
  type NluContext,
  type NluResult,
  type ScoredIntent,
} from "./nlu.js";
import { normaliseText } from "./text.normaliser.js";

/** Longer input is cut before classification; entities are still found in the whole text. */
const MAX_CLASSIFY_CHARS = 2000;
/** A request said in so many words ("我要投诉…", "I need a pickup"; intent.rules.ts explicitRequest): acted on (just above ACTION_THRESHOLD 0.85). */
const EXPLICIT_CONFIDENCE = 0.9;

export interface EngineOptions {
  intent?: TrainOptions;
  category?: TrainOptions;
  /** NB-weighted LR: β of nbScale for the intent / category model (default 0.5 / 0.5; 0 = plain LR). */
  nbIntent?: number;
  nbCategory?: number;
  /** Softmax temperature of the intent model, folded into its weights (default 1.5; 1 = none). */
  intentTemperature?: number;
  /**
   * Ensemble (issue 16): a fastText-style embedding-bag model (embedding.classifier.ts) trained on the
   * same vectors; intent scores = (1 − weight)·linear/intentTemperature + weight·embedding/temperature,
   * i.e. the two models' log-probabilities summed with those weights. Both are linear in the features,
   * so the sum is folded into the intent model's weights. Default { weight 0.5, temperature 2 }; false =
   * the linear model alone.
   */
  embedding?: false | (EmbeddingTrainOptions & { weight?: number; temperature?: number });
  /**
   * Seed averaging (issue 16, session 10b): train this many copies of each model (intent: linear +
   * embedding; category: linear) with seeds seed, seed+1, … and average their weights. Every copy is
   * linear over the same features, so the mean of the weights is the mean of the scores — one linear
   * model of the same size: parse, cache file and load are unchanged; only training takes `members`×.
   * Default 3; 1 = a single run (the engine before).
   */
  members?: number;
  /** Category cue tokens (feature.tokeniser.ts, CATEGORY_CUES) in the category model's features; false = without. */
  categoryCues?: boolean;
  /** Ignore rules (for measuring the model alone). */
  noRules?: boolean;
}

/** Everything `parse` needs, as plain data (see model.cache.ts for the on-disk form). */
export interface NluSnapshot {
  vec: VectoriserSnapshot;
  intent: ClassifierSnapshot;
  catVec: VectoriserSnapshot;
  category: ClassifierSnapshot;
}

export class LinearNlu implements Nlu {
  private constructor(
    private readonly vec: TfidfVectoriser,
    private readonly intentModel: LinearClassifier,
    private readonly catVec: TfidfVectoriser,
    private readonly catModel: LinearClassifier,
    private readonly noRules: boolean,
  ) {}

  static train(examples: readonly Example[], opts: EngineOptions = {}): LinearNlu {
    const norms = examples.map((ex) => normaliseText(ex.text.slice(0, MAX_CLASSIFY_CHARS)));
    const toks = norms.map((norm) => featureTokens(norm, extractFromNormalised(norm)));
    const vec = new TfidfVectoriser();
    vec.fit(toks);
    const xs = toks.map((t) => vec.transform(t));
    const ys = examples.map((ex) => INTENTS.indexOf(ex.intent));
    const K = Math.max(1, Math.floor(opts.members ?? 3));
    const nbI = opts.nbIntent ?? 0.5;
    // lr 2, 10 epochs (12 for categories): best CV of a small grid (lr 0.5–3, 10–30 epochs, l2 1e-5–1e-4) on the 3.4k-line corpus.
    // NB-weighted LR (issue 16, chosen by 5-fold CV and both tuning sets over plain LR, β 0.25–2 tried):
    // +0.2–0.3 points intent, +1–1.5 category, +2–4 none recall in CV under two seeds.
    const scale = nbI ? nbScale(xs, ys, vec.vocab.size, INTENTS.length, nbI) : undefined;
    const intentOpts: TrainOptions = { epochs: 10, lr: 2.0, l2: 1e-5, scale, ...opts.intent };
    const emb = opts.embedding === false ? undefined : { weight: 0.5, temperature: 2, ...opts.embedding };
    const intentModel = averaged(K, (k) =>
      trainIntentMember(xs, ys, vec.vocab.size, intentOpts, opts.intentTemperature ?? 1.5, emb, k),
    );

    const catIdx = examples.map((ex, i) => (ex.intent === "complaint" && ex.category ? i : -1)).filter((i) => i >= 0);
    // Cue tokens that are not in the category vocabulary are ignored at parse time, so a model trained
    // without them (categoryCues: false) parses as before.
    const catToks = catIdx.map((i) =>
      opts.categoryCues === false ? toks[i]! : [...toks[i]!, ...categoryCueTokens(norms[i]!)],
    );
    const catVec = new TfidfVectoriser();
    catVec.fit(catToks);
    const cxs = catToks.map((t) => catVec.transform(t));
    const cys = catIdx.map((i) => CATEGORY_CODES.indexOf(examples[i]!.category!));
    // Category β 0.5 (issue 16, session 12; was 0.25): with the category cue tokens, CV category flat and the tuning
    // sets + hard +11 messages over four seed bases; less calibrated at the same cut-off, so the complaint flow's
    // CATEGORY_MIN_CONFIDENCE was re-chosen on CV for this model (0.6 → 0.7; README).
    const nbC = opts.nbCategory ?? 0.5;
    const cscale = nbC ? nbScale(cxs, cys, catVec.vocab.size, CATEGORY_CODES.length, nbC) : undefined;
    const catOpts: TrainOptions = { epochs: 12, lr: 2.0, l2: 1e-5, scale: cscale, ...opts.category };
    const catModel = averaged(K, (k) => {
      const m = new LinearClassifier(catVec.vocab.size, CATEGORY_CODES.length, opts.category?.loss);
      m.train(cxs, cys, { ...catOpts, seed: (catOpts.seed ?? 42) + k });
      return m;
    });
    return new LinearNlu(vec, intentModel, catVec, catModel, opts.noRules ?? false);
  }

  /** The trained weights as plain data, for the model cache. */
  snapshot(): NluSnapshot {
    return {
      vec: this.vec.snapshot(),
      intent: this.intentModel.snapshot(),
      catVec: this.catVec.snapshot(),
      category: this.catModel.snapshot(),
    };
  }

  /** Rebuild an engine from `snapshot()` output (no training); throws if the shapes disagree. */
  static fromSnapshot(s: NluSnapshot): LinearNlu {
    const vec = TfidfVectoriser.fromSnapshot(s.vec);
    const catVec = TfidfVectoriser.fromSnapshot(s.catVec);
    const intentModel = LinearClassifier.fromSnapshot(s.intent);
    const catModel = LinearClassifier.fromSnapshot(s.category);
    if (intentModel.nClasses !== INTENTS.length || catModel.nClasses !== CATEGORY_CODES.length)
      throw new Error("snapshot: class count mismatch");
    if (intentModel.nFeatures !== vec.vocab.size || catModel.nFeatures !== catVec.vocab.size)
      throw new Error("snapshot: feature count mismatch");
    return new LinearNlu(vec, intentModel, catVec, catModel, false);
  }

  parse(text: string, context?: NluContext): NluResult {
    try {
      return this.parseUnsafe(typeof text === "string" ? text : String(text ?? ""), context);
    } catch {
      // Never let a bad input take the conversation down.
      return { intent: { name: "none", confidence: 0 }, ranking: [{ name: "none", confidence: 0 }], entities: [] };
    }
  }

  private parseUnsafe(text: string, context?: NluContext): NluResult {
    const norm = normaliseText(text);
    const entities = extractFromNormalised(norm);
    const head = norm.slice(0, MAX_CLASSIFY_CHARS);
    const headEntities = entities.filter((e) => e.end <= head.length);
    const tokens = featureTokens(head, headEntities);
    const x = this.vec.transform(tokens);
    const probs = this.intentModel.predict(x);
    if (!this.noRules && deniesComplaintThenAsks(head)) {
      // The customer said it is not a complaint and asked something: drop `complaint`, renormalise.
      const ci = INTENTS.indexOf("complaint");
      const rest = 1 - probs[ci]!;
      if (rest > 1e-9) for (let c = 0; c < probs.length; c++) probs[c] = c === ci ? 0 : probs[c]! / rest;
    }

    if (!this.noRules) {
      // A question whether something is a scam that the model reads as a complaint or claim is an inquiry
      // (issue 16, session 10: CV + tuning 7 fixed, 0 broken, seed 42). Otherwise an explicit request for
      // compensation that the model reads as a complaint is a claim: the complaint's share moves to
      // `claim` (the model was sure it is one of the two).
      const ci = INTENTS.indexOf("complaint");
      const cl = INTENTS.indexOf("claim");
      let top = 0;
      for (let c = 1; c < probs.length; c++) if (probs[c]! > probs[top]!) top = c;
      if ((top === ci || top === cl) && asksIfScam(head)) {
        // "…要加微信赔我钱，可信吗": asking whether it is a scam is a question; the share moves to `inquiry`.
        const iq = INTENTS.indexOf("inquiry");
        probs[iq] = probs[iq]! + probs[top]!;
        probs[top] = 0;
      } else if (top === ci && asksForCompensation(head)) {
        probs[cl] = probs[cl]! + probs[ci]!;
        probs[ci] = 0;
      } else if (probs[top]! < EXPLICIT_CONFIDENCE) {
        // "我想投诉但是没有单号" was complaint 0.26 beside progress 0.26 and got "您是想："; "I need a
        // pickup" 0.76: when the model is unsure and the intent is among its leading guesses, a
        // request said in so many words is taken (the rest keep their proportions).
        const named = explicitRequest(head);
        const ni = named ? INTENTS.indexOf(named) : -1;
        if (ni >= 0 && probs[ni]! >= 0.5 * probs[top]!) {
          const rest = 1 - probs[ni]!;
          for (let c = 0; c < probs.length; c++)
            probs[c] =
              c === ni ? EXPLICIT_CONFIDENCE : rest > 1e-9 ? (probs[c]! * (1 - EXPLICIT_CONFIDENCE)) / rest : 0;
        }
      }
    }

    let ranked: ScoredIntent[] = INTENTS.map((name, i) => ({ name, confidence: probs[i]! }));
    ranked.sort((a, b) => b.confidence - a.confidence);

    const rule = this.noRules
      ? undefined
      : ruleDecision(text, head, toUnits(head, headEntities), headEntities, context);
    if (rule) {
      const rest = ranked.filter((r) => r.name !== rule.intent);
      const restSum = rest.reduce((s, r) => s + r.confidence, 0) || 1;
      const restMax = rest[0]?.confidence || 1;
      // Keep the rule's intent on top even when its confidence is deliberately low.
      const scale = Math.min((1 - rule.confidence) / restSum, (0.9 * rule.confidence) / restMax);
      ranked = [
        { name: rule.intent, confidence: rule.confidence },
        ...rest.map((r) => ({ name: r.name, confidence: r.confidence * scale })),
      ];
    }
    ranked = ranked.map((r) => ({ name: r.name, confidence: round(r.confidence) }));
    const top = ranked[0]!;
    const result: NluResult = { intent: top, ranking: ranked.slice(0, 3), entities };
    if (top.name === "complaint") {
      result.category = this.categorise(
        [...tokens, ...categoryCueTokens(head)],
        !this.noRules && praisesPersonThenFault(head),
      );
      const ruled = this.noRules ? undefined : categoryRule(head);
      if (ruled && ruled !== result.category.code) result.category = { code: ruled, confidence: 0.9 };
    }
    return result;
  }

  /** Complaint category for already-tokenised text. */
  private categorise(tokens: string[], notStaff = false): { code: CategoryCode; confidence: number } {
    const p = this.catModel.predict(this.catVec.transform(tokens));
    if (notStaff) {
      // Praise for the person, then a fault: the fault's category (intent.rules.ts, PRAISE_THEN_FAULT).
      const si = CATEGORY_CODES.indexOf("STAFF_ATTITUDE");
      const rest = 1 - p[si]!;
      if (rest > 1e-9) for (let c = 0; c < p.length; c++) p[c] = c === si ? 0 : p[c]! / rest;
    }
    let best = 0;
    for (let c = 1; c < p.length; c++) if (p[c]! > p[best]!) best = c;
    return { code: CATEGORY_CODES[best]!, confidence: round(p[best]!) };
  }

  /** Raw intent probabilities from the model alone, for evaluation. */
  intentProbabilities(text: string): Record<IntentName, number> {
    const norm = normaliseText(text.slice(0, MAX_CLASSIFY_CHARS));
    const p = this.intentModel.predict(this.vec.transform(featureTokens(norm, extractFromNormalised(norm))));
    return Object.fromEntries(INTENTS.map((n, i) => [n, p[i]!])) as Record<IntentName, number>;
  }

  get vocabularySize(): number {
    return this.vec.vocab.size;
  }
}

/**
 * One member of the intent ensemble: the NB-weighted softmax at temperature T plus the embedding-bag
 * model, folded into one linear model; member k uses seeds seed + k (k = 0 is the single-run engine).
 */
function trainIntentMember(
  xs: readonly SparseVec[],
  ys: readonly number[],
  nFeatures: number,
  intentOpts: TrainOptions,
  T: number,
  emb: (EmbeddingTrainOptions & { weight: number; temperature: number }) | undefined,
  k: number,
): LinearClassifier {
  const intentModel = new LinearClassifier(nFeatures, INTENTS.length, intentOpts.loss);
  intentModel.train(xs, ys, { ...intentOpts, seed: (intentOpts.seed ?? 42) + k });

  // Calibration: NB weighting makes the softmax overconfident (CV: 95.9% right at ≥ 0.85, plain LR 97.6%).
  // T = 1.5 brings CV and both tuning sets back to at least plain LR's precision at ACTION_THRESHOLD with
  // the same share acted on. (T = 2 gave ≥ 99% right at 0.85 on CV + tuning pooled, but acted on only
  // ~48% instead of ~66%, and clear requests such as "我要寄快递，上门取件" fell below the threshold.)
  // Dividing weights and biases by T is exactly softmax(scores / T), at no cost per parse.
  if (T !== 1) {
    for (let i = 0; i < intentModel.w.length; i++) intentModel.w[i] = intentModel.w[i]! / T;
    for (let i = 0; i < intentModel.b.length; i++) intentModel.b[i] = intentModel.b[i]! / T;
  }

  // Ensemble with a fastText-style model (issue 16, chosen by 5-fold CV and both tuning sets under three
  // seeds: +0.8–1.0 points intent in CV, at least as precise at ACTION_THRESHOLD; a ReLU hidden layer,
  // mean of probabilities, weights 0.5–0.65, dims 64/100, 20 epochs and no dropout tried). Summing the
  // two models' log-probabilities is one linear model, so it is folded into intentModel's weights.
  if (emb && emb.weight > 0) {
    const seed = (emb.seed ?? 7) + k;
    const e = EmbeddingBagClassifier.create(nFeatures, INTENTS.length, { ...emb, seed });
    e.train(xs, ys, { ...emb, seed });
    const f = e.foldedWeights();
    const a = 1 - emb.weight;
    const c = emb.weight / emb.temperature;
    for (let i = 0; i < intentModel.w.length; i++) intentModel.w[i] = a * intentModel.w[i]! + c * f.w[i]!;
    for (let i = 0; i < intentModel.b.length; i++) intentModel.b[i] = a * intentModel.b[i]! + c * f.b[i]!;
  }
  return intentModel;
}

/** The mean of `n` linear models' weights and biases (same shape): the mean of their scores. */
function averaged(n: number, train: (k: number) => LinearClassifier): LinearClassifier {
  const first = train(0);
  if (n === 1) return first;
  const w = Float64Array.from(first.w);
  const b = Float64Array.from(first.b);
  for (let k = 1; k < n; k++) {
    const m = train(k);
    for (let i = 0; i < w.length; i++) w[i] = w[i]! + m.w[i]!;
    for (let i = 0; i < b.length; i++) b[i] = b[i]! + m.b[i]!;
  }
  for (let i = 0; i < w.length; i++) first.w[i] = w[i]! / n;
  for (let i = 0; i < b.length; i++) first.b[i] = b[i]! / n;
  return first;
}

function round(v: number): number {
  return Math.round(v * 10000) / 10000;
}
