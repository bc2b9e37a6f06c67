import type { QuickReply } from "./channel.js";

/**
 * Choices on a text-only channel (SMS, WeChat text): numbered in the order offered, so the
 * customer may answer with the number or the words (the runtime maps a bare number back to
 * the choice: choiceByNumber in conversation/bot.ts).
 */
export function numberedChoices(quickReplies: readonly QuickReply[] | undefined): string[] {
  return (quickReplies ?? []).map((q, i) => `${i + 1} ${q.title}`);
}
