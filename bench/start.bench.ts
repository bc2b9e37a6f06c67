// `npx tsx bench/start.bench.ts [--runs N] [--tsx]`: time from spawning the service to the first
// 200 from /healthz, embedded mode, on a fresh data folder (migrate, seed, first admin) and on a
// warm one (issue 20 goal: ≤ 5 s fresh, ≤ 3 s warm). Spawns what `npm start` runs (node
// scripts/start.mjs, the compiled dist/); `--tsx` runs src/main.ts through tsx instead, for the
// figure before the compiled start. Prints each run, then the medians as JSON on the last line.
// A wall-clock figure: run it on a quiet machine, and compare runs taken the same hour.

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "../test/support/process.js";

const runsFlag = process.argv.indexOf("--runs");
const RUNS = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 3;
const viaTsx = process.argv.includes("--tsx");
const ROOT = path.resolve(import.meta.dirname, "..");

async function timeToHealthy(dataDir: string): Promise<number> {
  const port = await freePort();
  const args = viaTsx ? ["--import", "tsx", "src/main.ts"] : ["scripts/start.mjs"];
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "warn" },
    stdio: "ignore",
  });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the service exited with ${child.exitCode}`);
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return performance.now() - started;
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    await exited;
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const fresh: number[] = [];
const warm: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const dir = mkdtempSync(path.join(tmpdir(), "kd-start-bench-"));
  try {
    fresh.push(await timeToHealthy(dir));
    warm.push(await timeToHealthy(dir));
    console.log(`run ${i + 1}: fresh ${Math.round(fresh.at(-1)!)} ms, warm ${Math.round(warm.at(-1)!)} ms`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
console.log(
  JSON.stringify({
    via: viaTsx ? "tsx src/main.ts" : "node scripts/start.mjs",
    runs: RUNS,
    freshMedianMs: Math.round(median(fresh)),
    warmMedianMs: Math.round(median(warm)),
  }),
);
