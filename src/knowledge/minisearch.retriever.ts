import MiniSearch from "minisearch";
import { terms } from "./kb.tokeniser.js";
import type { KbDocument, RetrievalMatch, Retriever } from "./retriever.js";

/** Weights of the score, chosen on src/knowledge/eval/tuning.txt (never on the held-out set). */
export interface MiniSearchRetrieverWeights {
  /** Character bigrams count for less than whole words (they overlap one another). */
  gram: number;
  /** A bigram no article uses is mostly a seam between two words: it counts this share of a rare term. */
  unknownGram: number;
  /** Share of the score from the article's whole question profile (vs its best single phrasing). */
  profile: number;
  /** A match from the answer body alone is discounted: answers mention many things. */
  body: number;
  /** How many of MiniSearch's hits (its BM25 order) are scored at all. */
  hits: number;
  /** How many of those (best by coverage) get the full per-phrasing score. */
  candidates: number;
}

export const DEFAULT_WEIGHTS: MiniSearchRetrieverWeights = {
  gram: 0.6,
  unknownGram: 0.3,
  profile: 0.7,
  body: 0.6,
  hits: 30,
  candidates: 12,
};

/** One MiniSearch document per article; its phrasings are joined with this (never in a term). */
const SEP = "\u0000";

interface IndexedArticle {
  id: number;
  questions: string;
  body: string;
}

interface Phrasing {
  text: string;
  terms: string[];
  /** Each term's weight, computed once at indexing. */
  weights: number[];
  total: number;
}

/**
 * MiniSearch indexes the articles (one document each: phrasings and keyword tags in a boosted
 * field, the answer body in a low one, jieba words and character bigrams from kb.tokeniser) and
 * finds the candidates with BM25, OR-combined, no fuzzy or prefix matching. Its best hits are
 * then scored by how much of the question's information (idf-weighted terms) the article's
 * phrasings cover together, its closest single phrasing and its body (from MiniSearch's `match`),
 * bounded to [0, 1] so one threshold means the same for every question (BM25's does not).
 */
export class MiniSearchRetriever implements Retriever {
  readonly name = "minisearch";
  private ms = MiniSearchRetriever.build();
  private ids: string[] = [];
  /** Rarity among the articles' phrasings (MiniSearch keeps document frequencies private). */
  private idf = new Map<string, number>();
  private maxIdf = 1;
  private phrasings: Phrasing[][] = [];

  constructor(private readonly w: MiniSearchRetrieverWeights = DEFAULT_WEIGHTS) {}

  private static build(): MiniSearch<IndexedArticle> {
    return new MiniSearch<IndexedArticle>({
      fields: ["questions", "body"],
      tokenize: (text) => text.split(SEP).flatMap((part) => terms(part)),
      processTerm: (term) => term,
      searchOptions: { boost: { questions: 1, body: 0.3 }, combineWith: "OR", fuzzy: false, prefix: false },
    });
  }

  index(docs: readonly KbDocument[]): void {
    const df = new Map<string, number>();
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
      // Rarity among the phrasings: answers repeat the trade's words ("禁止", "prohibited") everywhere.
      for (const t of profile) df.set(t, (df.get(t) ?? 0) + 1);
      rawPhrasings.push(list);
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
    const ms = MiniSearchRetriever.build();
    ms.addAll(
      docs.map((doc, i) => ({
        id: i,
        questions: [...doc.questions, ...(doc.keywords ?? [])].join(SEP),
        body: doc.body,
      })),
    );
    this.ms = ms;
  }

  private weight(term: string): number {
    const idf = this.idf.get(term);
    if (term.startsWith("#")) return (idf ?? this.maxIdf * this.w.unknownGram) * this.w.gram;
    return idf ?? this.maxIdf;
  }

  search(query: string, limit = 5): RetrievalMatch[] {
    const qTerms = [...new Set(terms(query))];
    if (!qTerms.length) return [];
    const q = new Set(qTerms);
    let qTotal = 0;
    for (const t of qTerms) qTotal += this.weight(t);
    // The question is cut once: MiniSearch gets its terms as they are.
    const hits = this.ms.search(qTerms.join(SEP), { tokenize: (text) => text.split(SEP) });
    // Coverage of the question by the article's phrasings together (profile) and by its body.
    const covered: { i: number; profile: number; body: number; key: number }[] = [];
    for (const hit of hits.slice(0, this.w.hits)) {
      let profile = 0;
      let body = 0;
      for (const [term, fields] of Object.entries(hit.match)) {
        const w = this.weight(term);
        if (fields.includes("questions")) profile += w;
        if (fields.includes("body")) body += w;
      }
      profile /= qTotal;
      body = (body / qTotal) * this.w.body;
      covered.push({ i: hit.id as number, profile, body, key: Math.max(profile, body) });
    }
    covered.sort((a, b) => b.key - a.key);
    const out: RetrievalMatch[] = [];
    for (const c of covered.slice(0, this.w.candidates)) {
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
