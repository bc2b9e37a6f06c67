import MiniSearch from "minisearch";
import { terms } from "./kb.tokeniser.js";
import type { KbDocument, RetrievalMatch, Retriever } from "./retriever.js";

interface IndexedDoc {
  id: string;
  articleId: string;
  q?: string;
  a?: string;
}

/** A candidate's confidence from the body alone is discounted: answers mention many things. */
const BODY_WEIGHT = 0.6;
/** Character bigrams count for less than whole words (they overlap one another). */
const GRAM_WEIGHT = 0.6;
const CANDIDATES = 12;
const PROFILE_WEIGHT = 0.85;

/**
 * MiniSearch (BM25+) over jieba words and character bigrams finds the candidates; each is then
 * scored by how much of the question's information (idf-weighted terms) one phrasing covers,
 * and how much of that phrasing the question covers. That score is bounded, so one threshold
 * means the same for every question; BM25's is not.
 */
export class MiniSearchRetriever implements Retriever {
  readonly name = "minisearch";
  private search_ = this.build([]);
  private idf = new Map<string, number>();
  private maxIdf = 1;
  private phrasings = new Map<string, { text: string; terms: Set<string> }[]>();
  private bodies = new Map<string, Set<string>>();
  private profiles = new Map<string, Set<string>>();

  private build(docs: IndexedDoc[]): MiniSearch<IndexedDoc> {
    const ms = new MiniSearch<IndexedDoc>({
      fields: ["q", "a"],
      storeFields: ["articleId"],
      tokenize: (text) => terms(text),
      processTerm: (term) => term,
      searchOptions: { boost: { q: 1, a: 0.3 }, combineWith: "OR" },
    });
    ms.addAll(docs);
    return ms;
  }

  index(docs: readonly KbDocument[]): void {
    const indexed: IndexedDoc[] = [];
    const df = new Map<string, number>();
    const phrasings = new Map<string, { text: string; terms: Set<string> }[]>();
    const bodies = new Map<string, Set<string>>();
    const profiles = new Map<string, Set<string>>();
    for (const doc of docs) {
      const seen = new Set<string>();
      const list: { text: string; terms: Set<string> }[] = [];
      doc.questions.forEach((q, i) => {
        const set = new Set(terms(q));
        if (!set.size) return;
        list.push({ text: q, terms: set });
        for (const t of set) seen.add(t);
        indexed.push({ id: `${doc.id}:${i}`, articleId: doc.id, q });
      });
      const body = new Set(terms(doc.body));
      for (const t of body) seen.add(t);
      indexed.push({ id: `${doc.id}:body`, articleId: doc.id, a: doc.body });
      for (const t of seen) df.set(t, (df.get(t) ?? 0) + 1);
      phrasings.set(doc.id, list);
      profiles.set(doc.id, new Set(list.flatMap((p) => [...p.terms])));
      bodies.set(doc.id, body);
    }
    const n = Math.max(docs.length, 1);
    this.idf = new Map([...df].map(([t, f]) => [t, Math.log(1 + n / f)]));
    // A term no article uses tells the most: the question is likely about something else.
    this.maxIdf = Math.log(1 + n);
    this.phrasings = phrasings;
    this.bodies = bodies;
    this.profiles = profiles;
    this.search_ = this.build(indexed);
  }

  private weight(term: string): number {
    return (this.idf.get(term) ?? this.maxIdf) * (term.startsWith("#") ? GRAM_WEIGHT : 1);
  }

  search(query: string, limit = 5): RetrievalMatch[] {
    const q = new Set(terms(query));
    if (!q.size) return [];
    let qTotal = 0;
    for (const t of q) qTotal += this.weight(t);
    const hits = this.search_.search(query);
    const candidates: string[] = [];
    for (const hit of hits) {
      const id = hit.articleId as string;
      if (!candidates.includes(id)) candidates.push(id);
      if (candidates.length >= CANDIDATES) break;
    }
    const out: RetrievalMatch[] = [];
    for (const [rank, id] of candidates.entries()) {
      let best = 0;
      let matched = "";
      for (const p of this.phrasings.get(id) ?? []) {
        let shared = 0;
        let pTotal = 0;
        for (const t of p.terms) {
          const w = this.weight(t);
          pTotal += w;
          if (q.has(t)) shared += w;
        }
        const s = Math.sqrt((shared / qTotal) * (shared / pTotal));
        if (s > best) {
          best = s;
          matched = p.text;
        }
      }
      // The article's whole question profile: a question may combine words of two phrasings.
      const profile = this.profiles.get(id);
      if (profile) {
        let shared = 0;
        for (const t of q) if (profile.has(t)) shared += this.weight(t);
        const s = (shared / qTotal) * PROFILE_WEIGHT;
        if (s > best) {
          best = s;
        }
      }
      const body = this.bodies.get(id);
      if (body) {
        let shared = 0;
        for (const t of q) if (body.has(t)) shared += this.weight(t);
        const s = (shared / qTotal) * BODY_WEIGHT;
        if (s > best) {
          best = s;
          matched = "";
        }
      }
      // BM25's order breaks near-ties (it knows term frequencies and field lengths).
      out.push({ articleId: id, score: Math.min(1, best) - rank * 1e-4, matched });
    }
    out.sort((a, b) => b.score - a.score);
    return out.slice(0, limit).map((m) => ({ ...m, score: Math.max(0, Math.round(m.score * 1e4) / 1e4) }));
  }
}
