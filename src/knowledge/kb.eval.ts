import fs from "node:fs";
import { ACTION_THRESHOLD, type Nlu, type NluResult } from "../../intents/index.js";
import { type AnswerPolicy, answerNeeds, claimNeeds } from "./answer.policy.js";
import type { RetrievalMatch, Retriever } from "./retriever.js";

export interface EvalItem {
  question: string;
  /** The article title that answers it; null: no article does. */
  expected: string | null;
}

/** Reads an eval file: "## <title>" heads the questions one article answers, "## -" those none does. */
export function parseEvalFile(path: string): EvalItem[] {
  const items: EvalItem[] = [];
  let current: string | null | undefined;
  for (const raw of fs.readFileSync(path, "utf8").split("\n")) {
    const line = raw.trim();
    if (!line || (line.startsWith("#") && !line.startsWith("##"))) continue;
    if (line.startsWith("##")) {
      const title = line.slice(2).trim();
      current = title === "-" ? null : title;
      continue;
    }
    if (current === undefined) throw new Error(`${path}: question before any "## " heading: ${line}`);
    items.push({ question: line, expected: current });
  }
  return items;
}

/**
 * What a customer gets for a first message, following IntentRouter.route's order for the
 * knowledge base (src/conversation/router.ts, flows/knowledge.flow.ts): an unsure message with a
 * waybill goes to tracking; the knowledge flow's claim on complaint-worded questions; a confident
 * intent starts its flow (inquiry: the knowledge flow, which answers or says it does not know);
 * otherwise the knowledge fallback, then the router's clarifying question.
 */
export type Outcome =
  | { kind: "answer"; articleId: string; score: number }
  | { kind: "dont_know" }
  | { kind: "elsewhere"; intent: string }
  | { kind: "unsure" };

export function customerOutcome(
  parsed: NluResult,
  text: string,
  best: RetrievalMatch | undefined,
  policy: AnswerPolicy,
): Outcome {
  const intent = parsed.intent.name;
  const confident = parsed.intent.confidence >= ACTION_THRESHOLD;
  const answer = (needed: number): Outcome | undefined =>
    best && best.score >= needed ? { kind: "answer", articleId: best.articleId, score: best.score } : undefined;
  if (
    !confident &&
    parsed.entities.some((e) => e.type === "waybill") &&
    ["track", "complaint", "none"].includes(intent)
  )
    return { kind: "elsewhere", intent: "track" };
  const claim = claimNeeds(parsed, text, policy);
  const claimed = claim === undefined ? undefined : answer(claim);
  if (claimed) return claimed;
  if ((confident && intent !== "none") || intent === "inquiry") {
    if (intent !== "inquiry") return { kind: "elsewhere", intent };
    return answer(answerNeeds(parsed, policy)) ?? { kind: "dont_know" };
  }
  return answer(answerNeeds(parsed, policy, text)) ?? { kind: "unsure" };
}

export interface EvalFigures {
  answerable: number;
  unanswerable: number;
  /** Answerable questions whose best match (ignoring the threshold) is the right article. */
  top1: number;
  /** Answerable questions answered with the right article (best match, above the threshold). */
  answeredRight: number;
  /** Answerable questions answered at all (above the threshold). */
  answerRate: number;
  /** Answerable questions answered with a wrong article. */
  answeredWrong: number;
  /** Unanswerable questions that got an article anyway (should be ≤ 0.05). */
  unanswerableAnswered: number;
  /** Of the "I don't know"s, how many were right to say so. */
  noAnswerPrecision: number;
  threshold: number;
  misses: { question: string; expected: string | null; got: string | null; score: number }[];
  /** With the intent engine and the router counted (what the customer gets); when an engine is given. */
  routed?: RoutedFigures;
}

export interface RoutedFigures {
  /** Answerable questions answered with the right article. */
  answeredRight: number;
  /** Answerable questions answered with a wrong article. */
  answeredWrong: number;
  /** Answerable questions the bot says it cannot answer (the question is kept). */
  dontKnow: number;
  /** Answerable questions the router sent to another flow, by intent (mostly complaint intake). */
  elsewhere: number;
  elsewhereBy: Record<string, number>;
  /** Answerable questions the router asked about (which of the likely intents was meant). */
  unsure: number;
  /** Unanswerable questions that got an article anyway (the target: ≤ 0.05). */
  unanswerableAnswered: number;
  misses: { question: string; expected: string | null; outcome: string }[];
}

/** Runs every question through the retriever; titleOf maps article id → title. */
export function evaluate(
  retriever: Retriever,
  items: readonly EvalItem[],
  titleOf: (id: string) => string | undefined,
  policy: AnswerPolicy,
  nlu?: Nlu,
): EvalFigures {
  const threshold = policy.threshold;
  let answerable = 0;
  let top1 = 0;
  let right = 0;
  let answered = 0;
  let wrong = 0;
  let unanswerable = 0;
  let unansweredRight = 0;
  let declined = 0;
  const misses: EvalFigures["misses"] = [];
  const r = { right: 0, wrong: 0, dontKnow: 0, elsewhere: 0, unsure: 0, unanswerableAnswered: 0 };
  const elsewhereBy: Record<string, number> = {};
  const routedMisses: RoutedFigures["misses"] = [];
  for (const item of items) {
    const best = retriever.search(item.question, 1)[0];
    const got = best ? (titleOf(best.articleId) ?? null) : null;
    const score = best?.score ?? 0;
    const answers = got !== null && score >= threshold;
    if (nlu) {
      const o = customerOutcome(nlu.parse(item.question), item.question, best, policy);
      const gotTitle = o.kind === "answer" ? (titleOf(o.articleId) ?? null) : null;
      const label =
        o.kind === "answer" ? `${gotTitle} (${o.score.toFixed(2)})` : o.kind === "elsewhere" ? `→ ${o.intent}` : o.kind;
      if (item.expected === null) {
        if (o.kind === "answer") {
          r.unanswerableAnswered += 1;
          routedMisses.push({ question: item.question, expected: null, outcome: label });
        }
      } else {
        if (o.kind === "answer" && gotTitle === item.expected) r.right += 1;
        else {
          if (o.kind === "answer") r.wrong += 1;
          else if (o.kind === "dont_know") r.dontKnow += 1;
          else if (o.kind === "unsure") r.unsure += 1;
          else {
            r.elsewhere += 1;
            elsewhereBy[o.intent] = (elsewhereBy[o.intent] ?? 0) + 1;
          }
          routedMisses.push({ question: item.question, expected: item.expected, outcome: label });
        }
      }
    }
    if (!answers) declined += 1;
    if (item.expected === null) {
      unanswerable += 1;
      if (!answers) unansweredRight += 1;
      else misses.push({ question: item.question, expected: null, got, score });
      continue;
    }
    answerable += 1;
    if (got === item.expected) top1 += 1;
    if (answers) {
      answered += 1;
      if (got === item.expected) right += 1;
      else wrong += 1;
    }
    if (!answers || got !== item.expected)
      misses.push({ question: item.question, expected: item.expected, got, score });
  }
  const div = (a: number, b: number) => (b === 0 ? 0 : a / b);
  return {
    answerable,
    unanswerable,
    top1: div(top1, answerable),
    answeredRight: div(right, answerable),
    answerRate: div(answered, answerable),
    answeredWrong: div(wrong, answerable),
    unanswerableAnswered: div(unanswerable - unansweredRight, unanswerable),
    noAnswerPrecision: div(unansweredRight, declined),
    threshold,
    misses,
    ...(nlu
      ? {
          routed: {
            answeredRight: div(r.right, answerable),
            answeredWrong: div(r.wrong, answerable),
            dontKnow: div(r.dontKnow, answerable),
            elsewhere: div(r.elsewhere, answerable),
            elsewhereBy,
            unsure: div(r.unsure, answerable),
            unanswerableAnswered: div(r.unanswerableAnswered, unanswerable),
            misses: routedMisses,
          },
        }
      : {}),
  };
}
