import cluster from "node:cluster";
import os from "node:os";
import type { Config } from "./config.js";

/** How many instances `npm start` runs in this process group (INSTANCES). */
export function instanceCount(config: Config): number {
  return config.INSTANCES === "auto" ? Math.max(1, os.availableParallelism()) : config.INSTANCES;
}

/**
 * The primary of `INSTANCES=n` (scale mode): forks n instances that share the port (node:cluster
 * hands connections round-robin), replaces one that dies, and on SIGINT/SIGTERM stops them all
 * (each drains its turns) before exiting. Scale mode already coordinates instances through
 * PostgreSQL and Redis, so a forked instance is no different from one on another machine.
 */
export function superviseInstances(n: number): void {
  let stopping = false;
  const log = (msg: string) => process.stdout.write(`[primary ${process.pid}] ${msg}\n`);
  const fork = (index: number) => {
    const worker = cluster.fork({ KD_INSTANCE_INDEX: String(index) });
    // Operators (and the instances test) see each instance come up, not only the first's banner.
    worker.on("listening", () => log(`instance ${index} listening`));
    worker.on("exit", (code, signal) => {
      if (stopping) return;
      log(`instance ${index} exited (${signal ?? code}); starting a replacement`);
      setTimeout(() => {
        if (!stopping) fork(index);
      }, 1000).unref();
    });
  };
  log(`starting ${n} instances`);
  for (let i = 0; i < n; i++) fork(i);

  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (stopping) process.exit(1);
      stopping = true;
      log(`${signal}: stopping instances`);
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill("SIGTERM");
      const force = setTimeout(() => process.exit(1), 20_000);
      force.unref();
      cluster.on("exit", () => {
        if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      });
    });
  }
}

/** Whether this process prints the start banner: the only instance, or the first of several. */
export function printsBanner(): boolean {
  return cluster.isPrimary || process.env.KD_INSTANCE_INDEX === "0";
}
