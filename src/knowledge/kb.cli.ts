/**
 * `npm run kb -- eval [FILE] [THRESHOLD]`: on the held-out questions
 * (src/knowledge/eval/heldout.txt) what a customer gets — the intent engine and the router
 * counted (answered right or wrong, "I don't know", sent to another flow, asked which was
 * meant), and wrong answers to questions no article answers — then the retrieval alone (top-1,
 * answer rate at the threshold without the engine) and p99 search latency with 1,000 articles.
 */
import { fileURLToPath } from "node:url";
import { createNlu } from "../../intents/index.js";
import { DEFAULT_POLICY } from "./answer.policy.js";
import { DEFAULT_ARTICLES } from "./default-articles.js";
import { evaluate, parseEvalFile } from "./kb.eval.js";
import { articleDocument } from "./knowledge.types.js";
import { MiniSearchRetriever } from "./minisearch.retriever.js";
import type { KbDocument } from "./retriever.js";

const HELDOUT = fileURLToPath(new URL("./eval/heldout.txt", import.meta.url));

const docs: KbDocument[] = DEFAULT_ARTICLES.map((a) => articleDocument({ ...a, id: a.title }));

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

function main(): void {
  const [cmd, file = HELDOUT, thresholdArg] = process.argv.slice(2);
  if (cmd !== "eval") {
    console.error("usage: npm run kb -- eval [FILE] [THRESHOLD]");
    process.exit(2);
  }
  const policy = thresholdArg ? { ...DEFAULT_POLICY, threshold: Number(thresholdArg) } : DEFAULT_POLICY;
  const retriever = new MiniSearchRetriever();
  retriever.index(docs);
  const items = parseEvalFile(file);
  const f = evaluate(retriever, items, (id) => id, policy, createNlu());
  const r = f.routed!;
  const mark = (ok: boolean) => (ok ? "ok" : "MISSED");
  console.log(`questions: ${f.answerable} answerable, ${f.unanswerable} that no article answers (${file})`);
  console.log(
    `policy: threshold ${policy.threshold} (engine reads a question), ${policy.offTopic} (off-topic), ${policy.clearMatch} (leans to another flow)`,
  );
  console.log("what the customer gets (intent engine + router + knowledge base)");
  console.log(`  answered with the right article        ${pct(r.answeredRight)}`);
  console.log(`  answered with a wrong article          ${pct(r.answeredWrong)}`);
  console.log(`  "I don't know" (question kept)         ${pct(r.dontKnow)}`);
  console.log(`  sent to another flow                   ${pct(r.elsewhere)} ${JSON.stringify(r.elsewhereBy)}`);
  console.log(`  asked which was meant                  ${pct(r.unsure)}`);
  console.log(
    `  unanswerable answered anyway           ${pct(r.unanswerableAnswered)}   goal ≤ 5.0%  ${mark(r.unanswerableAnswered <= 0.05)}`,
  );
  console.log("retrieval alone (no intent engine)");
  console.log(`  top-1 accuracy (answerable)            ${pct(f.top1)}   goal ≥ 90.0%  ${mark(f.top1 >= 0.9)}`);
  console.log(`  answered right (above threshold)       ${pct(f.answeredRight)}`);
  console.log(`  answer rate (answerable)               ${pct(f.answerRate)}`);
  console.log(`  answered wrong (answerable)            ${pct(f.answeredWrong)}`);
  console.log(`  unanswerable above threshold           ${pct(f.unanswerableAnswered)}`);
  console.log(`  no-answer precision                    ${pct(f.noAnswerPrecision)}`);

  // Latency with 1,000 articles: the defaults plus synthetic ones built from their phrasings.
  const big: KbDocument[] = [...docs];
  for (let i = big.length; i < 1000; i++) {
    const base = docs[i % docs.length]!;
    big.push({
      id: `synthetic-${i}`,
      questions: base.questions.map((q) => `${q} ${i}号`),
      keywords: base.keywords,
      body: base.body,
    });
  }
  const large = new MiniSearchRetriever();
  large.index(big);
  // One pass first, not counted: a server searches warm (jieba loaded, the code compiled).
  for (const item of items) large.search(item.question, 5);
  const times: number[] = [];
  for (let round = 0; round < 3; round++) {
    for (const item of items) {
      const t0 = process.hrtime.bigint();
      large.search(item.question, 5);
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  }
  times.sort((a, b) => a - b);
  const p = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!.toFixed(2);
  console.log(
    `search latency, 1,000 articles: p50 ${p(0.5)} ms, p99 ${p(0.99)} ms (${times.length} searches)   goal p99 ≤ 5 ms`,
  );
  if (process.env.KB_EVAL_MISSES) {
    for (const m of f.misses) console.log(m.score.toFixed(3), m.question, "→", m.got, "| want", m.expected);
    for (const m of r.misses) console.log("customer:", m.question, "→", m.outcome, "| want", m.expected);
  }
}

main();
