// Stryker over the intent engine (`intents/`) against its own unit tests only
// (vitest.stryker.intents.config.ts, without model.cache.test.ts, which times out under
// instrumentation). `npm run mutate:intents`; scope with `-- --mutate intents/waybill.patterns.ts`.
import base from "./stryker.config.mjs";

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  ...base,
  vitest: { configFile: "vitest.stryker.intents.config.ts", related: false },
  mutate: base.mutate.filter((p) => p.startsWith("intents/") || p.startsWith("!intents/")),
};
