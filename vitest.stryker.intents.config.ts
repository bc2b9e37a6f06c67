import { defineConfig } from "vitest/config";

// The intent engine's unit tests alone, for Stryker runs scoped to `intents/`
// (`npm run mutate:intents`). model.cache.test.ts is left out: it trains and caches the model on
// disk, which under instrumentation exceeds the 60 s test timeout and fails Stryker's dry run;
// it tests I/O (model.cache.ts), which is not mutated anyway.
export default defineConfig({
  test: {
    include: ["test/unit/intents/*.test.ts"],
    exclude: ["test/unit/intents/model.cache.test.ts", "**/node_modules/**"],
    environment: "node",
    testTimeout: 60_000,
  },
});
