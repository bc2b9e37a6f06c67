/**
 * npm run nlu -- parse            JSONL {"text", "context"?} on stdin → one NluResult JSON per line on stdout
 * npm run nlu -- eval [file]      evaluation (default: eval/realworld.jsonl — real customers' words, with the goals of
 *                                 issue 16 — then corpus/test.jsonl AND corpus/hard.jsonl) + k-fold CV + timing
 * npm run nlu -- compare          cross-validated comparison of classifiers
 * npm run nlu -- errors [file]    misclassified examples
 * npm run nlu -- build            train and write the model cache (intents/.model-cache/model.bin); run by postinstall
 */
const t0 = performance.now();
const { createNlu, nluLoadInfo } = await import("./index.js");
const { defaultHardFile, defaultTestFile, loadTrainingCorpus, parseJsonl, realWorldFile } = await import(
  "./corpus.loader.js"
);
const ev = await import("./eval.runner.js");
const { readFileSync } = await import("node:fs");
const { createInterface } = await import("node:readline");
const tImported = performance.now();

const [cmd = "help", ...args] = process.argv.slice(2);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}

async function parseCmd(): Promise<void> {
  const nlu = createNlu();
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of rl) {
    if (!line.trim()) continue;
    let text = line;
    let context: { expecting?: string; locale?: string } | undefined;
    try {
      const o = JSON.parse(line) as { text?: unknown; context?: typeof context };
      text = typeof o.text === "string" ? o.text : "";
      context = o.context;
    } catch {
      process.stderr.write(`not JSON, parsing the raw line: ${line.slice(0, 60)}\n`);
    }
    process.stdout.write(`${JSON.stringify(nlu.parse(text, context))}\n`);
  }
}

function evalCmd(files: string[], withCv: boolean, realWorld: string | undefined): void {
  const tLoad0 = performance.now();
  const nlu = createNlu();
  const loadMs = performance.now() - tLoad0;
  const mem = process.memoryUsage();
  const examples: ReturnType<typeof parseJsonl> = [];
  if (realWorld) {
    const exs = parseJsonl(readFileSync(realWorld, "utf8"));
    const preds = ev.predictAll(nlu, exs);
    console.log(ev.formatGoals(`real customers' words ${realWorld}`, preds));
    console.log(ev.formatReport(`real customers' words ${realWorld}, per class`, preds));
    examples.push(...exs);
  }
  for (const file of files) {
    const exs = parseJsonl(readFileSync(file, "utf8"));
    console.log(ev.formatReport(`held-out ${file}`, ev.predictAll(nlu, exs)));
    examples.push(...exs);
  }

  // Timing: every text parsed repeatedly, each call timed.
  const times: number[] = [];
  for (let rep = 0; rep < 20; rep++)
    for (const ex of examples) {
      const s = performance.now();
      nlu.parse(ex.text);
      times.push(performance.now() - s);
    }
  times.sort((a, b) => a - b);
  console.log("timing");
  console.log(`  module import          ${(tImported - t0).toFixed(0)} ms`);
  const info = nluLoadInfo();
  console.log(
    `  model load (${info?.source ?? "?"})${" ".repeat(Math.max(1, 10 - (info?.source ?? "?").length))}${loadMs.toFixed(0)} ms${info?.source === "trained" ? (info.written ? " (cache written)" : " (cache not written)") : ""}`,
  );
  console.log(`  parse median           ${(percentile(times, 0.5) * 1000).toFixed(1)} µs`);
  console.log(`  parse p99              ${(percentile(times, 0.99) * 1000).toFixed(1)} µs`);
  console.log(
    `  memory rss             ${(mem.rss / 2 ** 20).toFixed(0)} MB (heap used ${(mem.heapUsed / 2 ** 20).toFixed(0)} MB)`,
  );

  if (withCv) {
    const corpus = loadTrainingCorpus();
    const cv = ev.crossValidate(corpus, 5);
    const s = ev.summarise(cv);
    console.log(`\n== 5-fold cross-validation on training corpus (n=${s.n}) ==`);
    console.log(
      `intent accuracy ${ev.pct(s.intentAccuracy)}, category accuracy ${ev.pct(s.categoryAccuracy)}, none recall ${ev.pct(s.noneRecall)}`,
    );
    console.log(
      `above threshold accuracy ${ev.pct(s.aboveThreshold.accuracy)}, coverage ${ev.pct(s.aboveThreshold.coverage)}; threshold for 98%: ${ev.suggestThreshold(cv)}`,
    );
    console.log(`calibration\n${ev.calibrationTable(cv)}`);
  }
}

function compareCmd(): void {
  const corpus = loadTrainingCorpus();
  const test = parseJsonl(readFileSync(defaultTestFile(), "utf8"));
  const { LinearNlu } = require_engine;
  const configs: [string, Parameters<typeof LinearNlu.train>[1]][] = [
    ["NB-weighted softmax, T 1.5 (chosen)", {}],
    ["plain softmax (before issue 16's NBLR)", { nbIntent: 0, nbCategory: 0, intentTemperature: 1 }],
    [
      "linear SVM (hinge)",
      {
        intent: { loss: "hinge", lr: 0.1 },
        category: { loss: "hinge", lr: 0.1 },
        nbIntent: 0,
        nbCategory: 0,
        intentTemperature: 1,
      },
    ],
    ["softmax, model only (no rules)", { noRules: true }],
  ];
  for (const [name, opts] of configs) {
    const t = performance.now();
    LinearNlu.train(corpus, opts);
    const trainMs = performance.now() - t;
    const cv = ev.summarise(ev.crossValidate(corpus, 5, opts));
    const ho = ev.summarise(ev.predictAll(LinearNlu.train(corpus, opts), test));
    console.log(
      `${name.padEnd(32)} train ${trainMs.toFixed(0)} ms | CV intent ${ev.pct(cv.intentAccuracy)} cat ${ev.pct(cv.categoryAccuracy)} | held-out intent ${ev.pct(ho.intentAccuracy)} cat ${ev.pct(ho.categoryAccuracy)} | ≥thr acc ${ev.pct(ho.aboveThreshold.accuracy)} cov ${ev.pct(ho.aboveThreshold.coverage)}`,
    );
  }
}

const require_engine = await import("./nlu.engine.js");

switch (cmd) {
  case "parse":
    await parseCmd();
    break;
  case "eval":
    {
      const files = args.filter((a) => !a.startsWith("--"));
      evalCmd(
        files.length ? files : [defaultTestFile(), defaultHardFile()],
        !args.includes("--no-cv"),
        files.length ? undefined : realWorldFile(),
      );
    }
    break;
  case "goals": {
    // npm run nlu -- goals [file]: the goal table of any labelled file (e.g. intents/eval/tuning.jsonl).
    const nlu = createNlu();
    const file = args[0] ?? realWorldFile();
    console.log(ev.formatGoals(file, ev.predictAll(nlu, parseJsonl(readFileSync(file, "utf8")))));
    break;
  }
  case "errors": {
    const nlu = createNlu();
    const file = args[0] ?? defaultTestFile();
    console.log(ev.errors(ev.predictAll(nlu, parseJsonl(readFileSync(file, "utf8"))), 200));
    break;
  }
  case "cv-errors":
    console.log(ev.errors(ev.crossValidate(loadTrainingCorpus(), 5), 300));
    break;
  case "compare":
    compareCmd();
    break;
  case "build": {
    // Always retrain (ignores an existing cache), then write it atomically.
    const { loadOrTrainModel } = await import("./model.cache.js");
    const r = loadOrTrainModel({ forceTrain: true });
    if (r.written) console.log(`nlu: model trained in ${r.ms.toFixed(0)} ms, cache written to ${r.file}`);
    else
      process.stderr.write(
        `nlu: model trained in ${r.ms.toFixed(0)} ms, but the cache could not be written (${r.file ?? "cache disabled"}); createNlu() will train at first use\n`,
      );
    break;
  }
  default:
    process.stderr.write(
      "usage: npm run nlu -- parse | eval [file] [--no-cv] | goals [file] | errors [file] | cv-errors | compare | build\n",
    );
    process.exitCode = cmd === "help" ? 0 : 1;
}
