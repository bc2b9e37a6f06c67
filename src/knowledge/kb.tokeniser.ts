import { Jieba } from "@node-rs/jieba";
import { dict } from "@node-rs/jieba/dict.js";
import PorterStemmer from "natural/lib/natural/stemmers/porter_stemmer.js";
import { pinyin } from "pinyin-pro";
import { normaliseText } from "../../intents/index.js";
import { mainlandPlaceNames } from "../places/divisions.js";
import { foldSynonym, SYNONYM_WORDS } from "./kb.synonyms.js";

/**
 * Words of the trade jieba's general dictionary splits badly ("充电宝能" came out as 充电/宝能):
 * added with a high frequency so the cut keeps them whole.
 */
export const DOMAIN_WORDS = [
  "充电宝",
  "移动电源",
  "锂电池",
  "驿站",
  "快递柜",
  "智能柜",
  "丰巢",
  "保价",
  "保价费",
  "首重",
  "续重",
  "抛重",
  "体积重",
  "计费重量",
  "实名",
  "实名制",
  "改派",
  "改地址",
  "转寄",
  "退回",
  "拒收",
  "理赔",
  "索赔",
  "赔偿",
  "签收",
  "验视",
  "揽收",
  "上门取件",
  "寄件",
  "收件",
  "派件",
  "运费",
  "到付",
  "代收货款",
  "发票",
  "电子发票",
  "禁寄",
  "违禁品",
  "液体",
  "化妆品",
  "香水",
  "打火机",
  "管制刀具",
  "生鲜",
  "冷链",
  "海关",
  "清关",
  "港澳台",
  "邮政管理局",
  "申诉",
  "时限",
  "营业时间",
  "几点",
  "下班",
  "上班",
  "节假日",
  "春节",
  "包装",
  "包装费",
  "面单",
  "运单号",
  "身份证",
  "隐私面单",
  "虚拟号",
];

const STOP_ZH = new Set(
  "的 了 吗 吧 呢 啊 呀 哦 嘛 么 我 你 您 他 她 它 我们 你们 是 有 在 和 与 或 就 都 也 还 又 请问 请 一下 一个 这个 那个 这 那 个 吗? 呗 哈 嗯 想 要 会 能 能不能 可以 可不可以 可否 是否 是不是 怎么 怎么样 怎样 如何 什么 为什么 多少 哪 哪里 哪儿 几 吗 呢 么 啦 喔 哈哈 谢谢 麻烦 问 问下 问一下 咨询 下 给 把 被 让 对 到 从 上 中 里 用 得 地 着 过 自己 东西".split(
    " ",
  ),
);
const STOP_EN = new Set(
  "a an the i me my we our you your he she it its they them is are was were be been am do does did can could will would should shall may might must to of in on at for from by with and or not no yes if how what when where which who why this that these there here please hi hello about any some much many do does get got have has had".split(
    " ",
  ),
);

let jieba: Jieba | undefined;

/** jieba with its default dictionary plus the trade's words; ~0.7 s to load, so once and lazily. */
function cutter(): Jieba {
  if (!jieba) {
    jieba = Jieba.withDict(dict);
    const words = [...new Set([...DOMAIN_WORDS, ...SYNONYM_WORDS])];
    jieba.loadDict(new TextEncoder().encode(words.map((w) => `${w} 200000 n`).join("\n")));
  }
  return jieba;
}

/** Loads jieba now (at start), not in the first customer's turn. */
export function warmTokeniser(): void {
  cutter();
}

const CJK_RUN = /[\u3400-\u9fff]+/g;
/** Sentence particles: a bigram with one ("寄吗", "了吧") says nothing about the topic. */
const PARTICLES = /[的了吗吧呢啊呀哦嘛么呗哈嗯啦喔被把我你您]/;
const LATIN_WORD = /[a-z][a-z']*|\d+/g;

/** "what's" → "what", "don't" → "do", "can't" → "can": the word the stop list knows. */
function withoutContraction(word: string): string {
  if (word === "can't" || word === "cant") return "can";
  if (word === "won't" || word === "wont") return "will";
  // "packaging" and "package" stem alike, and a package is a parcel; packaging is not.
  if (word === "packaging") return "packing";
  return word
    .replace(/n't$/, "")
    .replace(/'(s|re|ll|ve|d|m)$/, "")
    .replace(/'/g, "");
}

let places: ReadonlySet<string> | undefined;

/**
 * Mainland provinces and cities in pinyin as English questions write them ("beijing", "xian",
 * "chongqing"): from the GB/T 2260 table (src/places/divisions.ts) through `pinyin-pro`, which
 * reads 多音字 in place names right (重庆 chóng, 厦门 xià). Built on the first English word, not
 * at start: ~0.3 s of dictionary loading that most (Chinese) conversations never need.
 */
function placesEn(): ReadonlySet<string> {
  places ??= new Set(
    mainlandPlaceNames().map((name) => pinyin(name, { toneType: "none", type: "array" }).join("").toLowerCase()),
  );
  return places;
}

let placesZh: ReadonlySet<string> | undefined;
/**
 * Kept as words: place names that are also everyday words (白银 silver, 安康 well-being, 来宾
 * guest, 东方 east), and the remote regions carriers quote longer times and surcharges for (新疆,
 * 西藏…: "新疆能寄吗" asks about the remote area, not about what may be sent).
 */
const PLACE_AND_WORD = new Set([
  "白银",
  "安康",
  "来宾",
  "大同",
  "东方",
  "中山",
  "新星",
  "白杨",
  "新疆",
  "西藏",
  "青海",
  "内蒙古",
  "宁夏",
  "甘肃",
]);

/** A mainland province or city as jieba cuts it: 广州, 广州市, 黑龙江省 (not 香港: its own article). */
function isPlaceZh(word: string): boolean {
  if (word.length < 2) return false;
  placesZh ??= new Set(mainlandPlaceNames().filter((name) => !PLACE_AND_WORD.has(name)));
  return placesZh.has(word) || (/[省市]$/.test(word) && placesZh.has(word.slice(0, -1)));
}

function stem(word: string): string {
  return word.length > 3 ? PorterStemmer.stem(word) : word;
}

export interface Tokens {
  /** Whole words: jieba for Chinese, stemmed words and numbers for English (stop words dropped). */
  words: string[];
  /** Character bigrams of each Chinese run (single characters for one-character runs), prefixed "#". */
  grams: string[];
}

/** Simplified, half-width, lower-case text cut into words and character bigrams. */
export function tokenise(text: string): Tokens {
  const norm = normaliseText(text);
  const words: string[] = [];
  const grams: string[] = [];
  for (const cjk of norm.match(CJK_RUN) ?? []) {
    // A place ("从广州寄到哈尔滨要几天") says where, not what is asked: as unknown words the two
    // cities outweighed 要几天 and the question went unanswered. The run is cut at each place,
    // so no bigram spans one either.
    const runs: string[] = [];
    let run = "";
    for (const w of cutter().cut(cjk, true)) {
      if (isPlaceZh(w)) {
        if (run) runs.push(run);
        run = "";
        continue;
      }
      run += w;
      const word = foldSynonym(w);
      if (!STOP_ZH.has(word)) words.push(word);
    }
    if (run) runs.push(run);
    for (const r of runs) {
      if (r.length === 1) {
        if (!STOP_ZH.has(r)) grams.push(`#${r}`);
      } else
        for (let i = 0; i + 1 < r.length; i++) {
          const gram = r.slice(i, i + 2);
          if (!PARTICLES.test(gram)) grams.push(`#${gram}`);
        }
    }
  }
  for (const w of norm.replace(CJK_RUN, " ").match(LATIN_WORD) ?? []) {
    const clean = withoutContraction(w);
    // A place or a quantity ("to Wuhan", "3 kg") says where and how much, not what is asked:
    // as an unknown word it would outweigh the question's own words.
    if (STOP_EN.has(clean) || placesEn().has(clean) || /^\d{1,4}$/.test(clean)) continue;
    words.push(foldSynonym(stem(clean)));
  }
  return { words, grams };
}

/** All terms of a text (words and bigrams), as the search index sees them. */
export function terms(text: string): string[] {
  const { words, grams } = tokenise(text);
  return [...words, ...grams];
}
