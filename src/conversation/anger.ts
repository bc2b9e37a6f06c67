/**
 * Signs that a customer is angry: abuse, threats to escalate to the regulator or the media,
 * repeated exclamation/question marks. Used only together with an open ticket: an angry
 * customer whose complaint is already being handled goes straight to a human (issue 7).
 */
const ANGRY_WORDS =
  /(垃圾|废物|骗子|混蛋|他妈|tm的|tmd|去死|滚|恶心|无语|气死|受够|忍无可忍|太过分|什么破|破公司|破快递|投诉你们|曝光|媒体|记者|律师|起诉|12305|12315|消协|邮政局|消费者协会|再不处理|到底管不管|有没有人管|搞什么|搞什么鬼|worst|ridiculous|unacceptable|sue you|lawyer|scam)/i;

export function looksAngry(text: string): boolean {
  if (ANGRY_WORDS.test(text)) return true;
  // "！！！" or "？？？" (half- or full-width), or shouting in Latin capitals.
  if (/[!！]{3,}|[?？]{3,}|[!！?？]{4,}/.test(text)) return true;
  const latin = text.replace(/[^A-Za-z]/g, "");
  return latin.length >= 12 && latin === latin.toUpperCase();
}
