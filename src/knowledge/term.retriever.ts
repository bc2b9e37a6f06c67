import { terms } from "./kb.tokeniser.js";
import type { KbDocument, RetrievalMatch, Retriever } from "./retriever.js";

/** Weights of the score, chosen on src/knowledge/eval/tuning.txt (never on the held-out set). */
export interface TermRetrieverWeights {
  /** Character bigrams count for less than whole words (they overlap one another). */
  gram: number;
  /** A bigram no article uses is mostly a seam between two words: it counts this share of a rare term. */
  unknownGram: number;
  /** Share of the score from the article's whole question profile (vs its best single phrasing). */
  profile: number;
  /** A match from the answer body alone is discounted: answers mention many things. */
  body: number;
  /** How many articles (best by profile coverage) get the full per-phrasing score. */
  candidates: number;
}

export const DEFAULT_WEIGHTS: TermRetrieverWeights = {
  gram: 0.6,
  unknownGram: 0.3,
  profile: 0.7,
  body: 0.6,
  candidates: 12,
};

interface Phrasing {
  text: string;
  terms: string[];
  /** Each term's weight, computed once at indexing. */
  weights: number[];
  total: number;
}

/**
 * An inverted index of idf-weighted terms (jieba words and character bigrams, kb.tokeniser).
 * A question's candidates are the articles sharing its terms, ranked by how much of the
 * question their phrasings cover together; the best few are then scored by their closest
 * single phrasing too. Each score is a share of the question's information, bounded to [0, 1],
 * so one threshold means the same for every question (BM25's does not).
 *
 * It replaced MiniSearch's BM25 for candidates (issue 14): with 1,000 articles MiniSearch
 * scored every document sharing a common bigram and its p99 was 12–30 ms; this index sums a
 * few precomputed weights per article and stays well under the 5 ms target.
 */
export class TermRetriever implements Retriever {
  readonly name = "terms";
  private ids: string[] = [];
  private idf = new Map<string, number>();
  private maxIdf = 1;
  /** term → indexes of articles whose phrasings use it. */
  private inProfile = new Map<string, number[]>();
  /** term → indexes of articles whose answer body uses it. */
  private inBody = new Map<string, number[]>();
  private phrasings: Phrasing[][] = [];
  private profileScore = new Float64Array(0);
  private bodyScore = new Float64Array(0);

  constructor(private readonly w: TermRetrieverWeights = DEFAULT_WEIGHTS) {}

  index(docs: readonly KbDocument[]): void {
    const df = new Map<string, number>();
    const profileSets: Set<string>[] = [];
    const bodySets: Set<string>[] = [];
    const rawPhrasings: { text: string; terms: Set<string> }[][] = [];
    for (const doc of docs) {
      const list: { text: string; terms: Set<string> }[] = [];
      const profile = new Set<string>();
      for (const q of [...doc.questions, ...(doc.keywords ?? [])]) {
        const set = new Set(terms(q));
        if (!set.size) continue;
        list.push({ text: q, terms: set });
        for (const t of set) profile.add(t);
      }
      const body = new Set(terms(doc.body));
      // Rarity among the phrasings: answers repeat the trade's words ("禁止", "prohibited") everywhere.
      for (const t of profile) df.set(t, (df.get(t) ?? 0) + 1);
      rawPhrasings.push(list);
      profileSets.push(profile);
      bodySets.push(body);
    }
    const n = Math.max(docs.length, 1);
    this.idf = new Map([...df].map(([t, f]) => [t, Math.log(1 + n / f)]));
    // A word no phrasing uses tells the most: the question is likely about something else.
    this.maxIdf = Math.log(1 + n);
    this.ids = docs.map((d) => d.id);
    this.phrasings = rawPhrasings.map((list) =>
      list.map((p) => {
        const terms = [...p.terms];
        const weights = terms.map((t) => this.weight(t));
        return { text: p.text, terms, weights, total: weights.reduce((a, b) => a + b, 0) };
      }),
    );
    const post = (sets: Set<string>[]) => {
      const m = new Map<string, number[]>();
      sets.forEach((set, i) => {
        for (const t of set) {
          const list = m.get(t);
          if (list) list.push(i);
          else m.set(t, [i]);
        }
      });
      return m;
    };
    this.inProfile = post(profileSets);
    this.inBody = post(bodySets);
    this.profileScore = new Float64Array(docs.length);
    this.bodyScore = new Float64Array(docs.length);
  }

  private weight(term: string): number {
    const idf = this.idf.get(term);
    if (term.startsWith("#")) return (idf ?? this.maxIdf * this.w.unknownGram) * this.w.gram;
    return idf ?? this.maxIdf;
  }

  search(query: string, limit = 5): RetrievalMatch[] {
    const q = new Set(terms(query));
    if (!q.size) return [];
    let qTotal = 0;
    const touched: number[] = [];
    const profileScore = this.profileScore;
    const bodyScore = this.bodyScore;
    for (const t of q) {
      const w = this.weight(t);
      qTotal += w;
      for (const i of this.inProfile.get(t) ?? []) {
        if (profileScore[i] === 0 && bodyScore[i] === 0) touched.push(i);
        profileScore[i]! += w;
      }
      for (const i of this.inBody.get(t) ?? []) {
        if (profileScore[i] === 0 && bodyScore[i] === 0) touched.push(i);
        bodyScore[i]! += w;
      }
    }
    // The best few by coverage, kept in a small sorted list (no sort of every touched article).
    const k = this.w.candidates;
    const top: { i: number; profile: number; body: number; key: number }[] = [];
    for (const i of touched) {
      const profile = profileScore[i]! / qTotal;
      const body = (bodyScore[i]! / qTotal) * this.w.body;
      profileScore[i] = 0;
      bodyScore[i] = 0;
      const key = profile > body ? profile : body;
      if (top.length === k && key <= top[k - 1]!.key) continue;
      let at = top.length;
      while (at > 0 && top[at - 1]!.key < key) at--;
      top.splice(at, 0, { i, profile, body, key });
      if (top.length > k) top.pop();
    }
    const out: RetrievalMatch[] = [];
    for (const c of top) {
      let best = 0;
      let matched = "";
      for (const p of this.phrasings[c.i]!) {
        let shared = 0;
        for (let j = 0; j < p.terms.length; j++) if (q.has(p.terms[j]!)) shared += p.weights[j]!;
        const s = Math.sqrt((shared / qTotal) * (shared / p.total));
        if (s > best) {
          best = s;
          matched = p.text;
        }
      }
      let score = this.w.profile * c.profile + (1 - this.w.profile) * best;
      if (c.body > score) {
        score = c.body;
        matched = "";
      }
      out.push({ articleId: this.ids[c.i]!, score: Math.min(1, score), matched });
    }
    out.sort((a, b) => b.score - a.score);
    return out.slice(0, limit).map((m) => ({ ...m, score: Math.max(0, Math.round(m.score * 1e4) / 1e4) }));
  }
}
