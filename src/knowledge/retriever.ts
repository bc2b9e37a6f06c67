/**
 * What the knowledge base needs from a search engine: index the enabled articles, and rank
 * them for a question with a confidence in [0, 1] that a calibrated threshold can judge.
 * One implementation today (MiniSearchRetriever: the MiniSearch library indexes and finds the
 * candidates, our bounded share-of-information score ranks them); a better one (embeddings, a
 * hosted search) replaces it behind this interface without touching the flow or the routes.
 */
export interface Retriever {
  readonly name: string;
  /** Replaces the whole index (articles change rarely; a rebuild of 1,000 takes well under a second). */
  index(docs: readonly KbDocument[]): void;
  /** Best matches first, at most `limit`, one per article. Pure and synchronous. */
  search(query: string, limit?: number): RetrievalMatch[];
}

export interface KbDocument {
  id: string;
  /** The title question and every alternative phrasing, in any language. */
  questions: readonly string[];
  /** Keywords (the article's tags: items, synonyms, English words), each matched like a phrasing. */
  keywords?: readonly string[];
  /** Answer texts and category: matched too, but trusted less than a phrasing. */
  body: string;
}

export interface RetrievalMatch {
  articleId: string;
  /** Confidence in [0, 1]: compare with the calibrated answer threshold. */
  score: number;
  /** The phrasing that matched best ("" when only the body matched). */
  matched: string;
}
