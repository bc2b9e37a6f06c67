import { Jieba, TfIdf } from "@node-rs/jieba";
import { dict, idf } from "@node-rs/jieba/dict.js";
import { normaliseText } from "../../intents/index.js";
import { DOMAIN_WORDS } from "../knowledge/kb.tokeniser.js";

let extractor: { jieba: Jieba; tfidf: TfIdf } | undefined;

/**
 * The trade's words (the knowledge base's, and the people and services suggestions name), kept
 * whole and tagged as nouns: "快递柜能不能多放几个" is about 快递柜, not 不能.
 */
const TOPIC_WORDS = [...DOMAIN_WORDS, "快递员", "派送员", "送货上门", "客服", "包装"];

/** Words that say nothing about the topic of a suggestion. */
const GENERIC = new Set([
  "建议",
  "希望",
  "你们",
  "可以",
  "能够",
  "快递",
  "一下",
  "不能",
  "能不能",
  "能否",
  "需要",
  "没有",
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
  if (!extractor) {
    const jieba = Jieba.withDict(dict);
    jieba.loadDict(new TextEncoder().encode(TOPIC_WORDS.map((w) => `${w} 200000 n`).join("\n")));
    extractor = { jieba, tfidf: TfIdf.withDict(idf) };
  }
  const norm = normaliseText(text);
  const words = extractor.tfidf
    .extractKeywords(extractor.jieba, norm, max + 4, ["n", "nr", "ns", "nt", "nz", "v", "vn", "eng", "t"])
    .map((k) => k.keyword)
    .filter((w) => w.length > 1 && !GENERIC.has(w));
  return words.slice(0, max);
}
