import { z } from "zod";
import type { KbDocument } from "./retriever.js";

export const ARTICLE_TEXT_MAX = 4000;

/** An article as the API takes it (create, replace, import rows). */
export const articleInput = z.object({
  title: z.string().trim().min(2).max(200),
  titleEn: z.string().trim().max(300).nullable().default(null),
  questions: z.array(z.string().trim().min(1).max(300)).max(50).default([]),
  answer: z.string().trim().min(2).max(ARTICLE_TEXT_MAX),
  answerEn: z.string().trim().max(ARTICLE_TEXT_MAX).nullable().default(null),
  category: z.string().trim().min(1).max(50),
  /**
   * Keywords (items, synonyms, English words): they widen what the phrasings match. A tag
   * `禁寄:<item>` also refuses pickups of that item (issue 15, request-rules.ts).
   */
  tags: z.array(z.string().trim().min(1).max(50)).max(40).default([]),
  source: z.string().trim().max(500).default(""),
  enabled: z.boolean().default(true),
  validFrom: z.coerce.date().nullable().default(null),
  validTo: z.coerce.date().nullable().default(null),
});
export type ArticleInput = z.infer<typeof articleInput>;

export interface Article extends ArticleInput {
  id: string;
  version: number;
  views: number;
  helpful: number;
  unhelpful: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface KbMatch {
  article: Article;
  score: number;
  matched: string;
}

/** An article as the retriever indexes it: title, English title and phrasings; tags as keywords. */
export function articleDocument(a: {
  id: string;
  title: string;
  titleEn: string | null;
  questions: readonly string[];
  tags: readonly string[];
  answer: string;
  answerEn: string | null;
  category: string;
}): KbDocument {
  return {
    id: a.id,
    questions: [a.title, ...(a.titleEn ? [a.titleEn] : []), ...a.questions],
    keywords: a.tags,
    body: [a.answer, a.answerEn ?? "", a.category].join("\n"),
  };
}
