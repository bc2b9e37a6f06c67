import net from "node:net";
import type { TestProject } from "vitest/node";

/** Integration and browser tests need the real services: fail loudly, never skip. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const checks = [
    ["PostgreSQL", process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/test", 5432],
    ["Redis", process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379", 6379],
  ] as const;
  for (const [name, url, port] of checks) {
    const u = new URL(url);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: u.hostname, port: Number(u.port || port), timeout: 3000 });
      s.once("connect", () => {
        s.destroy();
        resolve(true);
      });
      s.once("error", () => resolve(false));
      s.once("timeout", () => resolve(false));
    });
    if (!ok)
      throw new Error(
        `${name} is required by the integration tests but is not reachable at ${u.host}. Start it and re-run npm test.`,
      );
  }
  // Process tests run what `npm start` runs (dist/): build it once here, not in each spawned process.
  // @ts-expect-error: a plain .mjs script without type declarations
  const { ensureBuilt } = (await import("../../scripts/build.mjs")) as { ensureBuilt: () => Promise<boolean> };
  await ensureBuilt();
  // Fresh PostgreSQL databases are clones of one migrated template (freshPostgres): made once here.
  const { dropRunDatabases, ensurePostgresTemplate, newRunPrefix } = await import("./databases.js");
  await ensurePostgresTemplate();
  // This run's databases are named with one prefix and dropped together at the end (freshPostgres).
  const run = newRunPrefix();
  project.provide("kdPostgresRun", run);
  return async () => {
    await dropRunDatabases(run);
  };
}
