import type { TurnContext } from "botbuilder";
import { ACTION_THRESHOLD, type NluResult } from "../../../intents/index.js";
import type { QuickReply } from "../../channel/channel.js";
import type { FeedbackInput } from "../../feedback/feedback.service.js";
import { type AnswerPolicy, answerNeeds, claimNeeds } from "../../knowledge/answer.policy.js";
import { answerBudget, splitAnswer } from "../../knowledge/answer.text.js";
import type { UnansweredInput } from "../../knowledge/knowledge.service.js";
import type { Article, KbMatch } from "../../knowledge/knowledge.types.js";
import { reply } from "../bot.js";
import type { Flow } from "../flow.js";
import { type Locale, t } from "../texts.js";
import { type TurnInfo, turnInfo } from "../turn-state.js";
import { HELPFUL_RE, kt, MORE_RE, UNHELPFUL_RE } from "./knowledge.texts.js";

/** What the flow needs from the knowledge base and the feedback records. */
export interface KnowledgeDeps {
  kb: {
    readonly threshold: number;
    readonly policy: AnswerPolicy;
    search(question: string, limit?: number): KbMatch[];
    recordView(articleId: string): Promise<void>;
    recordVerdict(articleId: string, helpful: boolean): Promise<void>;
    recordUnanswered(input: UnansweredInput): Promise<void>;
    article(id: string): Article | undefined;
  };
  feedback: { record(input: FeedbackInput): Promise<string> };
}

interface AnsweredData {
  articleId: string;
  question: string;
  rest: string;
  /** Next best articles, offered one by one on 没帮助. */
  others: string[];
}

/** Turn-local: the article the conversation's previous turn answered with (set when a new message follows it). */
const ANSWERED_LAST = Symbol("answeredLast");
/** Where one question of a several-part message ends: "冷冻的海鲜可以吗，要多少钱". */
const CLAUSE_SEPARATOR = /[，,。；;？?！!]+|\s+(?:and|also)\s+/i;

/** A runner-up below the answer threshold is still worth offering after 没帮助, above this share of it. */
const NEXT_BEST_RATIO = 0.75;

/**
 * 咨询 (003 §8.2): a question is answered from the knowledge base, channel-sized, with 更多,
 * 有帮助 / 没帮助 / 转人工; 没帮助 offers the next best article or a person. Below the
 * measured threshold the bot says it does not know and keeps the question (the KB's to-do list).
 */
export class KnowledgeFlow implements Flow {
  readonly name = "knowledge";
  readonly intents = ["inquiry"] as const;

  constructor(private readonly deps: KnowledgeDeps) {}

  async start(context: TurnContext, parsed: NluResult, text: string): Promise<void> {
    const info = turnInfo(context);
    // The 业务咨询 button alone is not a question (the search found the COD article for it).
    if (isButtonTitle(text, "quick.inquiry")) {
      info.state.flow = { name: this.name, step: "ask", data: {} };
      await context.sendActivity(reply(kt(info.locale, "kb.ask")));
      return;
    }
    const matches = this.deps.kb.search(text, 3);
    const best = matches[0];
    if (best && best.score >= answerNeeds(parsed, this.deps.kb.policy)) {
      await this.answer(context, text, best, matches.slice(1));
      return;
    }
    info.state.flow = undefined;
    await this.deps.kb.recordUnanswered({
      question: text,
      locale: info.locale,
      channel: info.channel,
      conversationId: info.conversationId,
      reason: "no_match",
      ...(best ? { articleId: best.article.id } : {}),
      score: best?.score ?? 0,
    });
    await this.recordInquiry(info, text, undefined);
    await context.sendActivity(reply(kt(info.locale, "kb.dont.know"), [{ title: t(info.locale, "quick.human") }]));
  }

  /**
   * Before the intent decides: a question that merely uses complaint words ("上门取件是不是要多收钱")
   * and that an article answers confidently is a question, not a complaint (issue 14).
   */
  async claim(context: TurnContext, parsed: NluResult, text: string): Promise<boolean> {
    const needed = claimNeeds(parsed, text, this.deps.kb.policy);
    if (needed === undefined) return false;
    const matches = this.deps.kb.search(text, 3);
    const best = matches[0];
    if (!best || best.score < needed) return false;
    turnInfo(context).intent = "inquiry";
    await this.answer(context, text, best, matches.slice(1));
    return true;
  }

  /** The engine was unsure or found no intent: a confident article match is still the best answer. */
  async fallback(context: TurnContext, parsed: NluResult, text: string): Promise<boolean> {
    // Most likely a question, even if unsure: answered, or honestly not, and kept.
    if (parsed.intent.name === "inquiry") {
      turnInfo(context).intent = "inquiry";
      await this.start(context, parsed, text);
      return true;
    }
    // Off-topic, or leaning to the parcel's own flows: a higher score is needed (answer.policy.ts).
    const needed = answerNeeds(parsed, this.deps.kb.policy, text);
    const matches = this.deps.kb.search(text, 3);
    const best = matches[0];
    if (!best || best.score < needed) return false;
    turnInfo(context).intent = "inquiry";
    await this.answer(context, text, best, matches.slice(1));
    return true;
  }

  async resume(context: TurnContext, parsed: NluResult, text: string): Promise<boolean> {
    const info = turnInfo(context);
    if (info.state.flow?.step === "ask") {
      info.state.flow = undefined;
      // The question asked for, unless the customer has clearly moved on (a waybill, 我要投诉).
      if (movesOn(parsed, "inquiry")) return false;
      info.intent = "inquiry";
      await this.start(context, parsed, text);
      return true;
    }
    const data = info.state.flow?.data as AnsweredData | undefined;
    if (!data) return false;
    const said = text.trim();
    if (MORE_RE.test(said)) {
      await context.sendActivity(
        reply(data.rest || kt(info.locale, "kb.no.more"), this.verdictReplies(info.locale, false)),
      );
      info.state.flow = { name: this.name, step: "answered", data: { ...data, rest: "" } };
      return true;
    }
    if (HELPFUL_RE.test(said)) {
      info.state.flow = undefined;
      await this.deps.kb.recordVerdict(data.articleId, true);
      await context.sendActivity(reply(kt(info.locale, "kb.helpful.thanks")));
      return true;
    }
    if (UNHELPFUL_RE.test(said)) {
      await this.deps.kb.recordVerdict(data.articleId, false);
      await this.deps.kb.recordUnanswered({
        question: data.question,
        locale: info.locale,
        channel: info.channel,
        conversationId: info.conversationId,
        reason: "unhelpful",
        articleId: data.articleId,
        score: 0,
      });
      const [nextId, ...others] = data.others;
      const next = nextId ? this.deps.kb.article(nextId) : undefined;
      if (next) {
        await this.present(context, data.question, next, others, kt(info.locale, "kb.next"));
        return true;
      }
      info.state.flow = undefined;
      await context.sendActivity(reply(kt(info.locale, "kb.offer.human"), [{ title: t(info.locale, "quick.human") }]));
      return true;
    }
    // Anything else is a new message for the router (转人工, a waybill, another question …).
    info.state.flow = undefined;
    context.turnState.set(ANSWERED_LAST, data.articleId);
    return false;
  }

  private async answer(context: TurnContext, question: string, best: KbMatch, rest: KbMatch[]): Promise<void> {
    const info = turnInfo(context);
    // The article just sent matched again ("生鲜能寄吗" → "冷冻的海鲜可以吗，要多少钱"): the part of
    // the message it did not answer gets its own article instead of the same one twice.
    const other =
      context.turnState.get(ANSWERED_LAST) === best.article.id ? this.otherPart(question, best.article.id) : undefined;
    const chosen = other ?? best;
    const floor = this.deps.kb.threshold * NEXT_BEST_RATIO;
    const others = other ? [] : rest.filter((m) => m.score >= floor).map((m) => m.article.id);
    await this.recordInquiry(info, question, chosen.article.id);
    await this.present(context, question, chosen.article, others);
  }

  /** The best article for one clause of a several-part message, other than `answered`. */
  private otherPart(question: string, answered: string): KbMatch | undefined {
    const clauses = question.split(CLAUSE_SEPARATOR).filter((c) => c.trim());
    if (clauses.length < 2) return undefined;
    let found: KbMatch | undefined;
    for (const clause of clauses) {
      const match = this.deps.kb.search(clause, 3).find((m) => m.article.id !== answered);
      if (match && match.score >= this.deps.kb.threshold && match.score > (found?.score ?? 0)) found = match;
    }
    return found;
  }

  /** Sends an article's short answer and remembers the rest for 更多. */
  private async present(
    context: TurnContext,
    question: string,
    article: Article,
    others: string[],
    lead?: string,
  ): Promise<void> {
    const info = turnInfo(context);
    const { text, fallback } = localised(article, info.locale);
    const budget = answerBudget(info.channel) - (lead ? [...lead].length + 1 : 0);
    const split = splitAnswer(text, budget);
    const source = article.source ? kt(info.locale, "kb.source", { source: article.source }) : "";
    const rest = [split.rest, source].filter(Boolean).join("\n");
    const head = [lead, fallback ? kt(info.locale, "kb.fallback.note") : undefined, split.now]
      .filter(Boolean)
      .join("\n");
    await this.deps.kb.recordView(article.id);
    info.state.flow = {
      name: this.name,
      step: "answered",
      data: { articleId: article.id, question, rest, others } satisfies AnsweredData,
    };
    await context.sendActivity(reply(head, this.verdictReplies(info.locale, rest.length > 0)));
  }

  private verdictReplies(locale: Locale, more: boolean): QuickReply[] {
    return [
      ...(more ? [{ title: kt(locale, "quick.more") }] : []),
      { title: kt(locale, "quick.helpful") },
      { title: kt(locale, "quick.unhelpful") },
      { title: t(locale, "quick.human") },
    ];
  }

  private async recordInquiry(info: TurnInfo, text: string, articleId: string | undefined): Promise<void> {
    await this.deps.feedback.record({
      type: "inquiry",
      text,
      customerId: info.customerId,
      conversationId: info.conversationId,
      channel: info.channel,
      locale: info.locale,
      articleId,
      status: articleId ? "answered" : "unanswered",
    });
  }
}

/** English text when there is one; otherwise Chinese with a note (issue 14). */
function localised(article: Article, locale: Locale): { text: string; fallback: boolean } {
  if (locale === "en") {
    if (article.answerEn) return { text: article.answerEn, fallback: false };
    return { text: article.answer, fallback: true };
  }
  return { text: article.answer, fallback: false };
}

/** The message is exactly one of the bot's own button titles (either language). */
export function isButtonTitle(text: string, key: "quick.inquiry" | "quick.suggest"): boolean {
  const said = text.trim().toLowerCase();
  return (["zh-CN", "en"] as const).some((locale) => t(locale, key).toLowerCase() === said);
}

/** After "what would you like to ask / suggest": a waybill or another confident intent is a new topic. */
export function movesOn(parsed: NluResult, own: string): boolean {
  return (
    parsed.entities.some((e) => e.type === "waybill") ||
    (parsed.intent.confidence >= ACTION_THRESHOLD &&
      ![own, "none", "inquiry", "suggestion"].includes(parsed.intent.name))
  );
}
