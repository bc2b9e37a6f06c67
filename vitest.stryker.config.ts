import { defineConfig } from "vitest/config";

// The unit project alone, for Stryker (`npm run mutate`): pure tests, no services, no globalSetup.
export default defineConfig({
  test: {
    include: ["test/unit/**/*.test.ts"],
    environment: "node",
    // Instrumented code under a shared, loaded machine: the property tests need room.
    testTimeout: 60_000,
  },
});
