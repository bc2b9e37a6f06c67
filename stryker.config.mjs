// Mutation testing of the pure modules against the unit project (`npm run mutate`; not in CI,
// too slow). Scope one module with `npm run mutate -- --mutate src/tickets/ticket-state.ts`.
// Concurrency stays low: the machine's 2 cores are shared with other test runs.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  vitest: { configFile: "vitest.stryker.config.ts", related: false },
  checkers: ["typescript"],
  tsconfigFile: "tsconfig.json",
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  mutate: [
    "intents/*.ts",
    // I/O and tooling around the engine, not its logic.
    "!intents/cli.ts",
    "!intents/eval.runner.ts",
    "!intents/corpus.loader.ts",
    "!intents/model.cache.ts",
    "!intents/index.ts",
    "!intents/natural.d.ts",
    "src/sla/business-calendar.ts",
    "src/sla/duration.ts",
    "src/sla/holidays.ts",
    "src/sla/sla-policy.ts",
    "src/tickets/ticket-state.ts",
    "src/surveys/survey.rules.ts",
    "src/reports/early-warning.ts",
  ],
  // Anchored: gitignore semantics, so a bare "reports" would also drop src/reports/ from the
  // sandbox and early-warning.ts would never be mutated (the glob "did not result in any files").
  ignorePatterns: ["data", "dist", "coverage", "test-results", "/reports", "bench", "src/web"],
  coverageAnalysis: "perTest",
  // A static mutant (a module-level constant) re-runs every unit test; they are few and cost
  // most of the time. Listed as "Ignored" in the report.
  ignoreStatic: true,
  concurrency: 2,
  timeoutMS: 20_000,
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: "reports/mutation/index.html" },
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  thresholds: { high: 90, low: 80, break: null },
  tempDirName: ".stryker-tmp",
  cleanTempDir: true,
};
