import type { Locale } from "../../src/conversation/texts.js";

/** SMS-only texts (kept short: one 70-character segment each). */
export const SMS_TEXTS = {
  "zh-CN": {
    optedOut: "您已退订本服务的短信，我们不会再主动发送短信。回复“订阅”可恢复。",
    optedIn: "您已恢复接收本服务的短信。有问题请直接回复。",
  },
  en: {
    optedOut: "You have unsubscribed and will receive no more messages from us. Reply START to resubscribe.",
    optedIn: "You have resubscribed. Reply with your question at any time.",
  },
} as const satisfies Record<Locale, Record<string, string>>;

export function smsText(locale: Locale, key: keyof (typeof SMS_TEXTS)["zh-CN"]): string {
  return SMS_TEXTS[locale][key];
}
