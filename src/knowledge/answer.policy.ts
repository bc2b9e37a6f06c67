import type { NluResult } from "../../intents/index.js";

/**
 * When an article answers, by the article's score and the intent engine's verdict (issue 14):
 * the same retrieval score means more when the engine also reads a question, and less when it
 * reads a message about something else. Chosen on src/knowledge/eval/tuning.txt with the
 * router's path counted (`npm run kb -- eval src/knowledge/eval/tuning.txt`), never on the
 * held-out set.
 */
export interface AnswerPolicy {
  /** The engine reads a question (inquiry), or is torn between a question and something else. */
  threshold: number;
  /** The engine finds no intent of ours (none): off-topic questions share a word or two with an article. */
  offTopic: number;
  /** The engine leans to another of the parcel's flows with little sign of a question: only a clear match. */
  clearMatch: number;
}

export const DEFAULT_POLICY: AnswerPolicy = {
  threshold: 0.5,
  offTopic: 0.65,
  clearMatch: 0.7,
};

/** The service requests (issue 15): an instruction leaning to one of them is not a question. */
const REQUESTS = new Set(["urge", "address_change", "pickup", "delivery_preference", "claim"]);
/** Worded as an instruction to us: 请 / 帮我 / 给我 / 别 / 不要, please / don't. */
const INSTRUCTION_RE = /^(请|麻烦)|帮我|给我|别|不要|\b(please|don'?t|do not)\b/i;

/** Intent share that makes a complaint-worded question worth answering from the knowledge base. */
export const INQUIRY_RUNNER_UP = 0.25;

/** A question-shaped message (it may still use complaint words: "上门取件是不是要多收钱"). */
export const QUESTION_RE =
  /[吗么嘛呢？?]\s*$|是不是|能不能|可不可以|要不要|会不会|有没有|怎么|如何|多少|多久|几天|哪些|什么|谁(付|出|承担|负责|来)|^(can|do|does|is|are|how|what|when|where|will|should)\b/i;

function inquiryShare(parsed: NluResult): number {
  return parsed.ranking.find((r) => r.name === "inquiry")?.confidence ?? 0;
}

/**
 * Before the intent decides: the score at which a question that merely uses complaint words
 * ("上门取件是不是要多收钱") is answered from the knowledge base; undefined: it is not a
 * candidate (not a complaint, a waybill in it, no question form, or the engine sees no question).
 */
export function claimNeeds(parsed: NluResult, text: string, policy: AnswerPolicy): number | undefined {
  if (parsed.intent.name !== "complaint" || parsed.entities.some((e) => e.type === "waybill")) return undefined;
  if (inquiryShare(parsed) < INQUIRY_RUNNER_UP || !QUESTION_RE.test(text.trim())) return undefined;
  return policy.threshold;
}

/**
 * The score an article needs when the flow starts (the engine read a question) or as the fallback
 * (the engine was unsure, or found no intent of ours).
 */
export function answerNeeds(parsed: NluResult, policy: AnswerPolicy, text?: string): number {
  const intent = parsed.intent.name;
  if (intent === "inquiry") return policy.threshold;
  if (intent === "none") return Math.max(policy.threshold, policy.offTopic);
  // A few words leaning to a person ("人呢" → 转人工 0.58) ask for no article: "人" matched the
  // one on filling in 寄件人/收件人. The router asks whether a person was meant.
  if (intent === "human" && text !== undefined && text.replace(/[\p{P}\s]/gu, "").length <= 4)
    return Number.POSITIVE_INFINITY;
  // Leaning to another flow and not even worded as a question ("我要寄快递" → pickup 0.68): a
  // statement of what the customer wants, which an article sharing a word or two does not answer
  // (it got the lockers-consent article at 0.52); the router asks which was meant instead.
  // A request said as an instruction ("please don't put it in the locker, deliver it to my door"
  // → 派送偏好 0.76) wants the request done, not the rule behind it (it got the consent article):
  // no article answers it; the router offers the request's button instead.
  if (text !== undefined && !QUESTION_RE.test(text.trim()) && REQUESTS.has(intent) && INSTRUCTION_RE.test(text))
    return Number.POSITIVE_INFINITY;
  if (text !== undefined && !QUESTION_RE.test(text.trim())) return Math.max(policy.threshold, policy.clearMatch);
  // The engine leans to the parcel's own flows with little sign of a question: only a clear
  // article match answers ("驿站的快递放几天会被退回" → 0.80); a few shared words do not
  // ("我的快递怎么还没到" → the COD article's "代收款怎么还没到" at 0.65), the router asks instead.
  if (inquiryShare(parsed) < INQUIRY_RUNNER_UP) return Math.max(policy.threshold, policy.clearMatch);
  return policy.threshold;
}
