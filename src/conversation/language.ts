/**
 * The language a customer writes in, message by message: a customer who opened a Chinese chat
 * and writes in English is answered in English, and back again (the bot speaks zh-CN and en).
 * Only clear messages switch: Chinese characters, or a sentence of English with common words;
 * a waybill, a phone number, "ok" or pinyin keeps the conversation's language.
 */
import type { Locale } from "./texts.js";

/** Han characters (CJK unified ideographs and extension A); traditional and Cantonese count. */
const HAN = /[\u3400-\u4dbf\u4e00-\u9fff]/gu;
const LATIN_WORD = /[a-z]+(?:'[a-z]+)?/gi;
/**
 * Words that only English sentences carry (pinyin syllables such as "a", "de", "wo" excluded),
 * so "wo de kuaidi zai nali" stays Chinese.
 */
const ENGLISH_WORDS = new Set(
  (
    "the my is are was were not no where when how what why who which this that it its i i'm im you your we our " +
    "has have had been be do does did don't doesn't didn't can can't could would should will please hello hi thanks " +
    "thank of to for from with at on by and or but parcel package delivery delivered deliver order track tracking " +
    "courier driver still yet arrived arrive received receive refund claim complaint damaged lost late week weeks day days"
  ).split(" "),
);

/**
 * `current` unless the message clearly speaks the other language.
 * @param text the customer's message as received (any Unicode; never throws)
 * @returns "zh-CN" for ≥ 2 Han characters; "en" for ≥ 3 Latin words, no Han, and ≥ 2 of
 *   them common English words; otherwise `current`
 */
export function messageLocale(text: string, current: Locale): Locale {
  const han = text.match(HAN)?.length ?? 0;
  if (han >= 2) return "zh-CN";
  if (han > 0) return current;
  const words = (text.match(LATIN_WORD) ?? []).map((w) => w.toLowerCase());
  if (words.length < 3) return current;
  const english = words.filter((w) => ENGLISH_WORDS.has(w)).length;
  return english >= 2 ? "en" : current;
}
