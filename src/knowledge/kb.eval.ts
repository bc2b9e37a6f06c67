import fs from "node:fs";
import type { Retriever } from "./retriever.js";

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
}

/** Runs every question through the retriever; titleOf maps article id → title. */
export function evaluate(
  retriever: Retriever,
  items: readonly EvalItem[],
  titleOf: (id: string) => string | undefined,
  threshold: number,
): EvalFigures {
  let answerable = 0;
  let top1 = 0;
  let right = 0;
  let answered = 0;
  let wrong = 0;
  let unanswerable = 0;
  let unansweredRight = 0;
  let declined = 0;
  const misses: EvalFigures["misses"] = [];
  for (const item of items) {
    const best = retriever.search(item.question, 1)[0];
    const got = best ? (titleOf(best.articleId) ?? null) : null;
    const score = best?.score ?? 0;
    const answers = got !== null && score >= threshold;
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
  };
}
