import { Jieba, TfIdf } from "@node-rs/jieba";
import { dict, idf } from "@node-rs/jieba/dict.js";
import { normaliseText } from "../../intents/index.js";

let extractor: { jieba: Jieba; tfidf: TfIdf } | undefined;

/** Words that say nothing about the topic of a suggestion. */
const GENERIC = new Set([
  "建议",
  "希望",
  "你们",
  "可以",
  "能够",
  "快递",
  "一下",
  "suggest",
  "suggestion",
  "please",
  "would",
]);

/**
 * A suggestion's topic words: jieba's TF-IDF keywords (nouns and verbs), so the dashboard can
 * count hot topics (003 §8.3 热点分析) without anyone tagging by hand.
 */
export function topicTags(text: string, max = 3): string[] {
  extractor ??= { jieba: Jieba.withDict(dict), tfidf: TfIdf.withDict(idf) };
  const norm = normaliseText(text);
  const words = extractor.tfidf
    .extractKeywords(extractor.jieba, norm, max + 4, ["n", "nr", "ns", "nt", "nz", "v", "vn", "eng", "t"])
    .map((k) => k.keyword)
    .filter((w) => w.length > 1 && !GENERIC.has(w));
  return words.slice(0, max);
}
