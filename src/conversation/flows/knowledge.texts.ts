/** Knowledge-base answers and suggestions, zh-CN (default) and English. Variables are {name}. */
import type { Locale } from "../texts.js";

const zh = {
  "kb.source": "（依据：{source}）",
  "kb.more.hint": "回复“更多”查看详细说明。",
  "kb.helpful.thanks": "很高兴能帮到您！还有其他问题随时问我。",
  "kb.next": "抱歉没帮上忙。您问的是不是这个：",
  "kb.offer.human": "抱歉没能帮上忙，已记录您的问题，我们会补充答案。需要为您转人工客服吗？",
  "kb.dont.know":
    "这个问题我还不能确定答案，不想给您错误的信息。已记下您的问题，知识库会尽快补充。需要的话可以转人工客服为您解答。",
  "kb.no.more": "这条就是全部内容了。还有其他问题吗？",
  "kb.fallback.note": "（暂无英文版本，以下为中文原文）",
  "quick.more": "更多",
  "quick.helpful": "有帮助",
  "quick.unhelpful": "没帮助",
  "kb.ask": "好的，请问您想咨询什么？直接把问题发给我就好。",
  "suggest.ask": "好的，请说说您的建议，我们会记录下来转给相关部门。",
  "suggest.thanks": "谢谢您的建议！我们已经记录下来，会转给相关部门参考改进。如果还想补充，直接发给我就好。",
  "suggest.added": "已补充到您的建议里，谢谢！",
};

export type KnowledgeTextKey = keyof typeof zh;

const en: Record<KnowledgeTextKey, string> = {
  "kb.source": "(Source: {source})",
  "kb.more.hint": "Reply “more” for the details.",
  "kb.helpful.thanks": "Glad that helped! Ask me anything else any time.",
  "kb.next": "Sorry that didn't help. Did you mean this:",
  "kb.offer.human":
    "Sorry I couldn't help. I've noted your question so we can add an answer. Shall I put you through to an agent?",
  "kb.dont.know":
    "I'm not sure of the answer to that and don't want to tell you something wrong. I've noted your question so the knowledge base can cover it. An agent can answer it if you like.",
  "kb.no.more": "That's all there is on this. Anything else?",
  "kb.fallback.note": "(No English version yet; here is the Chinese text.)",
  "quick.more": "More",
  "quick.helpful": "Helpful",
  "quick.unhelpful": "Not helpful",
  "kb.ask": "Sure, what would you like to ask? Just type your question.",
  "suggest.ask": "Sure, tell me your suggestion and I'll pass it on to the team concerned.",
  "suggest.thanks":
    "Thank you for the suggestion! It's recorded and will be passed on to the team concerned. If you want to add anything, just send it.",
  "suggest.added": "Added to your suggestion, thank you!",
};

const TABLES: Record<Locale, Record<KnowledgeTextKey, string>> = { "zh-CN": zh, en };

export function kt(locale: Locale, key: KnowledgeTextKey, vars?: Record<string, string | number>): string {
  const template = TABLES[locale][key] ?? zh[key];
  return vars ? template.replace(/\{(\w+)\}/g, (m, name: string) => String(vars[name] ?? m)) : template;
}

/** Quick replies come back as the customer's text: both languages are understood everywhere. */
export const MORE_RE = /^(更多|详细|详情|展开|看更多|more|details?|tell me more)\s*[!！。.]*$/i;
export const HELPFUL_RE =
  /^(有帮助|有用|解决了|明白了|懂了|helpful|that helps?|useful|thanks?,? that helps)\s*[!！。.]*$/i;
export const UNHELPFUL_RE =
  /^(没帮助|没有帮助|没用|不是这个|不对|答非所问|not helpful|unhelpful|not useful|that'?s not it)\s*[!！。.]*$/i;
