/**
 * Channel-sized answers: the first paragraph of an article is the short reply, cut at a
 * sentence end to fit the channel; the rest is sent on 更多. SMS: two 70-character UCS-2
 * segments; WeChat: a customer-service text is refused over 2,048 bytes (45002, domain.md
 * "Channel conventions"), so well under that in 3-byte characters; others: a screenful.
 */
const BUDGET: Record<string, number> = { sms: 130, wechat_oa: 600, wechaty: 600 };
const DEFAULT_BUDGET = 700;

export function answerBudget(channel: string): number {
  return BUDGET[channel] ?? DEFAULT_BUDGET;
}

/** Splits an answer into the part to send now and the rest (empty when it all fits). */
export function splitAnswer(answer: string, budget: number): { now: string; rest: string } {
  const text = answer.trim();
  const para = text.indexOf("\n\n");
  let now = para >= 0 ? text.slice(0, para) : text;
  if ([...now].length > budget) now = cutAtSentence(now, budget);
  const rest = text.slice(now.length).trim();
  return { now: now.trim(), rest };
}

/** The longest prefix within budget ending at a sentence end (or the budget, if none). */
function cutAtSentence(text: string, budget: number): string {
  const chars = [...text].slice(0, budget);
  for (let i = chars.length - 1; i > budget / 3; i--)
    if ("。！？；.!?;".includes(chars[i]!)) return chars.slice(0, i + 1).join("");
  return chars.join("");
}
