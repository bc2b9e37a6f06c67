import { defineConfig } from "vitest/config";

// Three projects: fast pure unit tests, integration tests against the real
// PostgreSQL/Redis/PGlite, and browser tests in Debian chromium.
// expect.poll waits on the thing itself; its default 1 s bound failed under load (a console's
// socket took longer to connect at load ~11), so the slow projects wait up to 20 s.
const poll = { timeout: 20_000, interval: 50 };
export default defineConfig({
  test: {
    // Two files at a time, of every project (vitest's default on 2 cores is one):
    // a test file spends most of its time waiting on its app, PostgreSQL, Redis or a poll, so the
    // second core was idle (~6 min of CPU in a 13.5 min run). Files share nothing: every app has
    // its own database (a PGlite folder or a PostgreSQL clone) and Redis names (queue and pub/sub
    // namespaced by that database), every server listens on a port of its own.
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
          environment: "node",
          // Some unit tests train the whole NLU model (~2 s alone); vitest's 5 s default failed
          // them on a loaded 2-core machine. A bound, not a timing assertion.
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts", "test/contract/**/*.test.ts"],
          environment: "node",
          // A bound, not a timing assertion: the process tests start the built server twice or run
          // a CLI three times: ~25–40 s each at load 10–13 on the shared 2-core box (60 s failed them
          // when two files ran at a time).
          testTimeout: 180_000,
          hookTimeout: 180_000,
          expect: { poll },
          globalSetup: ["test/support/services.global.ts"],
          // One worker process for the files in turn instead of a fresh one per file: the app's
          // module graph (Prisma, PGlite, Fastify…) is imported once, not ~60 times (~7 s a file
          // on the loaded 2-core box). Nothing here is module-level state: each test builds its own
          // app on its own database, and nothing mocks modules or fakes the global clock.
          isolate: false,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          environment: "node",
          testTimeout: 90_000,
          hookTimeout: 120_000,
          expect: { poll },
          globalSetup: ["test/support/services.global.ts"],
          // As the integration project: a worker runs its files in turn, the app's module graph
          // imported once per worker, not once per file (~9 s of each of 17 files on the loaded
          // 2-core box). Two browser files may run at a time, beside the other projects' files.
          // Each file launches its own Chromium and app on its own database; nothing mocks modules
          // or fakes the global clock.
          isolate: false,
        },
      },
    ],
  },
});
